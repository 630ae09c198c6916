// SPDX-License-Identifier: Apache-2.0
// SentimentClassifier and SentimentLexicon: the text format, each rule with hand-computed weights
// (on a small lexicon written here), fitting, probabilities, the file format, the shipped default.
#include <doctest/doctest.h>

#include <perche/error.hpp>
#include <perche/sentiment.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

const char* kLexicon =
    "# test lexicon\n"
    "gentile\t2\n"
    "ottimo\t3\n"
    "pessimo\t-3\n"
    "male\t-1.5\n"
    "problema\t-1.5\n"
    "lento\t-1.5\n"
    "lungo\t-0.5\n"
    "pulito\t2\n"
    "fa schifo\t-3\n"
    "non vedo l'ora\t2\n"
    "\xF0\x9F\x98\xA1\t-2.5\n"  // 😡
    "\n"
    "risolto\t1\n";

perche::SentimentClassifier lexicon_only(const char* lexicon = kLexicon) {
  perche::SentimentOptions o;
  o.words = false;
  return perche::SentimentClassifier(o, perche::SentimentLexicon::parse(lexicon));
}

// The lexicon matches of a text as "term:weight" (weights rounded to 0.01).
std::vector<std::string> matches(const perche::SentimentClassifier& clf, std::string_view text) {
  // explain() needs a fitted model: fit a throwaway one on two texts.
  std::vector<std::string> out;
  for (const auto& c : clf.explain(text).lexicon) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", c.weight);
    out.push_back(c.term + ":" + buf);
  }
  return out;
}

perche::SentimentClassifier fitted_lexicon_only(const char* lexicon = kLexicon) {
  auto clf = lexicon_only(lexicon);
  std::vector<std::string_view> texts{"gentile", "ottimo", "pessimo", "lento", "ho chiamato", "gentile ma lento"};
  std::vector<std::string> labels{"positive", "positive", "negative", "negative", "neutral", "mixed"};
  clf.fit(texts, labels);
  return clf;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("the lexicon text format parses terms, phrases and emoji and names the line of each error") {
  const auto lex = perche::SentimentLexicon::parse(kLexicon);
  CHECK(lex.size() == 12);
  CHECK(lex.entries()[8].term == "fa schifo");
  CHECK(lex.entries()[8].polarity == -3);
  CHECK(perche::SentimentLexicon::parse(lex.to_text()).entries().size() == lex.size());
  CHECK_THROWS_WITH_AS(perche::SentimentLexicon::parse("a\t1\nb 2\n"),
                       "lexicon line 2: expected 'term<TAB>polarity', found no tab", perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::SentimentLexicon::parse("a\tx\n"), "lexicon line 1: polarity 'x' is not a number",
                       perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::SentimentLexicon::parse("# c\na\t4\n"),
                       "lexicon line 2: polarity 4 of 'a', expected a number in [-3, 3]", perche::FormatError);
  CHECK(perche::SentimentLexicon::parse("a b\t0\n").entries()[0].polarity == 0);  // a neutral phrase
  CHECK_THROWS_WITH_AS(perche::SentimentLexicon::parse("a b\t1\n\na  b\t2\n"),
                       "lexicon line 3: 'a b' is listed twice (first on line 1)", perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::SentimentLexicon::parse("a b c d e f g\t1\n"),
                       "lexicon line 1: 'a b c d e f g' has 7 words, at most 6", perche::FormatError);
  CHECK_THROWS_AS(perche::SentimentLexicon({{"a", std::nan("")}}), std::invalid_argument);
  CHECK_THROWS_AS(perche::SentimentLexicon({{"a", 1}, {"a", 2}}), std::invalid_argument);
  // Terms the file format cannot hold (red-team, stop 42): to_text() then parse() lost or refused them.
  CHECK_THROWS_WITH_AS(perche::SentimentLexicon({{"ciao\nbello", -1}}),
                       "lexicon entry 0 ('ciao\\x0abello'): a control character (tab, line break): a lexicon line "
                       "is 'term<TAB>polarity'",
                       std::invalid_argument);
  CHECK_THROWS_AS(perche::SentimentLexicon({{"a\tb", -1}}), std::invalid_argument);
  CHECK_THROWS_AS(perche::SentimentLexicon({{"#fail", -1}}), std::invalid_argument);
  CHECK_THROWS_AS(perche::SentimentLexicon({{"molto  bello", 1}}), std::invalid_argument);
}

TEST_CASE("each sentiment rule gives its hand-computed weight") {
  const auto clf = fitted_lexicon_only();
  CHECK(matches(clf, "Operatore gentile") == V{"gentile:2.00"});
  // Negation: positive × −0.8, negative × −0.6; negative concord extends the scope.
  CHECK(matches(clf, "non gentile") == V{"gentile:-1.60"});
  CHECK(matches(clf, "non male") == V{"male:0.90"});
  CHECK(matches(clf, "non ho avuto nessun problema") == V{"problema:0.90"});
  CHECK(matches(clf, "non ho mai visto un operatore gentile") == V{"gentile:-1.60"});
  CHECK(matches(clf, "senza problemi") == V{"problema:0.90"});
  // The scope ends at punctuation and at a word that starts another clause; "non solo" is no negation.
  CHECK(matches(clf, "non lo so, gentile") == V{"gentile:2.00"});
  CHECK(matches(clf, "non ho avuto problemi e operatore gentile") == V{"problema:0.90", "gentile:2.00"});
  CHECK(matches(clf, "non solo gentile") == V{"gentile:2.00"});
  // Intensifiers × 1.5, downtoners × 0.6, "poco" × −0.7.
  CHECK(matches(clf, "molto gentile") == V{"gentile:3.00"});
  CHECK(matches(clf, "un po' lento") == V{"lento:-0.90"});
  CHECK(matches(clf, "poco gentile") == V{"gentile:-1.40"});
  // "troppo" intensifies a polar word, or counts −1 by itself.
  CHECK(matches(clf, "troppo gentile") == V{"gentile:3.00"});
  CHECK(matches(clf, "attesa troppo alta") == V{"troppo:-1.00"});
  CHECK(matches(clf, "troppo lungo") == V{"lungo:-0.75"});
  // Contrast: before the last contrast word × 0.6, after a contrast word × 1.3.
  CHECK(matches(clf, "gentile ma lento") == V{"gentile:1.20", "lento:-1.95"});
  CHECK(matches(clf, "lento. Però gentile") == V{"lento:-1.50", "gentile:2.60"});
  // Capitals × 1.2, elongation × 1.3, superlatives × 1.5, "!" × 1.1, "!!" × 1.2.
  CHECK(matches(clf, "PESSIMO") == V{"pessimo:-3.60"});
  CHECK(matches(clf, "gentileee") == V{"gentile:2.60"});
  CHECK(matches(clf, "pulitissima") == V{"pulito:3.00"});
  CHECK(matches(clf, "gentile!") == V{"gentile:2.20"});
  CHECK(matches(clf, "gentile!!!") == V{"gentile:2.40"});
  // Phrases win over words; one that starts with a negator keeps its own meaning.
  CHECK(matches(clf, "mi fa schifo") == V{"fa schifo:-3.00"});
  CHECK(matches(clf, "non vedo l'ora") == V{"non vedo l'ora:2.00"});
  CHECK(matches(clf, "non fa schifo") == V{"fa schifo:1.80"});
  // Emoticons by their mouth; emoji, and runs of one emoji, through the lexicon.
  CHECK(matches(clf, "ok :-)))") == V{":-))):2.10"});
  CHECK(matches(clf, "uffa :(") == V{":(:-1.50"});
  CHECK(matches(clf, "risolto \xF0\x9F\x98\xA1\xF0\x9F\x98\xA1") == V{"risolto:1.00", "\xF0\x9F\x98\xA1:-2.50"});
  CHECK(matches(clf, "boh o.o").empty());
  // Found by a red-team pass (stop 39): the chat spelling "nn" and "zero" negate; a hashtag reaches
  // the lexicon (its norm had lost the '#' already, and a second letter was cut); "dovuto", whose
  // stem is dove's, ends no negation scope; the chat spellings of "perché" end it.
  CHECK(matches(clf, "nn gentile") == V{"gentile:-1.60"});
  CHECK(matches(clf, "zero problemi") == V{"problema:0.90"});
  CHECK(matches(clf, "zero problemi, gentile") == V{"problema:0.90", "gentile:2.00"});
  CHECK(matches(clf, "zero spese gentile") == V{"gentile:2.00"});  // stop 46: "zero" denies one word
  CHECK(matches(clf, "#lento") == V{"lento:-1.50"});
  CHECK(matches(clf, "non ho dovuto aspettare, operatore lento") == V{"lento:-1.50"});
  // (stop 45: "ho dovuto chiamare" is an effort the customer had to make, turned by the negation;
  // the scope reached it past "dovuto")
  CHECK(matches(clf, "non ho dovuto chiamare gentile") == V{"dovuto chiamare:0.60", "gentile:2.00"});
  CHECK(matches(clf, "non ho chiamato xché gentile") == V{"gentile:2.00"});
  CHECK(matches(clf, "non ho chiamato Perchè gentile") == V{"gentile:2.00"});
  // The negation ends at the first polar word it turns: the problem stays a problem.
  CHECK(matches(clf, "non hanno risolto il problema") == V{"risolto:-0.80", "problema:-1.50"});
  CHECK(matches(clf, "non ho mai avuto un problema") == V{"problema:0.90"});
}

TEST_CASE("degree words after a negator, troppo after praise, and ratings written with digits") {
  // Found by a red-team pass (stop 41) on customer Italian the team wrote.
  const auto clf = fitted_lexicon_only();
  // "mai" (or "potrei") and a degree word (così, tanto, più): a superlative, not a negation.
  CHECK(matches(clf, "non ho mai visto un operatore così gentile") == V{"gentile:4.50"});  // 2 × 1.5 × 1.5
  CHECK(matches(clf, "mai visto un servizio più lento") == V{"lento:-2.25"});              // −1.5 × 1.5
  CHECK(matches(clf, "non potrei essere più gentile") == V{"gentile:3.00"});
  CHECK(matches(clf, "non è così gentile") == V{"gentile:-2.40"});  // 2 × 1.5 × −0.8: a negation
  CHECK(matches(clf, "non è più gentile") == V{"gentile:-1.60"});
  CHECK(matches(clf, "non ho mai visto un operatore gentile") == V{"gentile:-1.60"});
  // "troppo" right after a positive word is the chat "very"; after a negative one it counts alone.
  CHECK(matches(clf, "gentile troppo") == V{"gentile:3.00"});
  CHECK(matches(clf, "lento troppo") == V{"lento:-1.50", "troppo:-1.00"});
  // Review of stop 41: "più" right after "potrei" is "no longer", a negation; a skipped "così"
  // inside a phrase is still the degree word; "troppo" intensifies the hit before it, not an
  // emoticon after it; a rating follows "voto" as written, not votato (its stem).
  CHECK(matches(clf, "non potrei più consigliarlo gentile") == V{"gentile:-1.60"});
  CHECK(matches(fitted_lexicon_only("servizio lento\t-1.5\n"), "mai visto un servizio così lento") ==
        V{"servizio lento:-3.38"});  // −1.5 × 1.5 (the phrase's adverb) × 1.5 (the superlative)
  CHECK(matches(clf, "gentile troppo :(") == V{"gentile:3.00", ":(:-1.50"});
  CHECK(matches(clf, "ho votato 2 volte").empty());
  CHECK(matches(clf, "Voto 2") == V{"2:-2.00"});
  // An intensifier or downtoner after an idiom's first word modifies the idiom.
  CHECK(matches(clf, "mi fa davvero schifo") == V{"fa schifo:-4.50"});
  CHECK(matches(clf, "fa abbastanza schifo") == V{"fa schifo:-1.80"});
  // "meno" lessens as "poco" does.
  CHECK(matches(clf, "meno gentile") == V{"gentile:-1.40"});
  // Ratings: share of the scale >= 0.8: +2, > 0.6: +1, <= 0.2: −2, <= 0.4: −1.5, else nothing.
  CHECK(matches(clf, "10/10") == V{"10/10:2.00"});
  CHECK(matches(clf, "4,5/5 consigliato") == V{"4,5/5:2.00"});
  CHECK(matches(clf, "voto 2 su 10.") == V{"2 su 10:-2.00"});
  CHECK(matches(clf, "voto: 7") == V{"7:1.00"});
  CHECK(matches(clf, "5 stelle!") == V{"5 stelle:2.20"});
  CHECK(matches(clf, "gli do 2 stelle") == V{"2 stelle:-1.50"});
  CHECK(matches(clf, "3 stelle").empty());
  CHECK(matches(clf, "il 3/10 ho chiamato").empty());              // a date
  CHECK(matches(clf, "per un 4 stelle").empty());                  // a hotel's class
  CHECK(matches(clf, "9 su 10 volte lento") == V{"lento:-1.50"});  // a frequency
  CHECK(matches(clf, "ho 10 anni").empty());
  // Stop 42: a fraction after a polar word, a rating noun or a verb that gives a rating is a
  // rating, after any other word a date; a star rating follows the verbs that give one; a low
  // rating under a negation stays a complaint.
  CHECK(matches(clf, "gentile 10/10") == V{"gentile:2.00", "10/10:2.00"});
  CHECK(matches(clf, "esperienza 10/10, imballaggio: 1/10") == V{"10/10:2.00", "1/10:-2.00"});
  CHECK(matches(clf, "dal 10/10 al 15/10").empty());
  CHECK(matches(clf, "entro il 3/10").empty());
  CHECK(matches(clf, "lunedì 3/10").empty());
  CHECK(matches(clf, "consegna prevista 4/10").empty());
  CHECK(matches(clf, "ordine effettuato 3/10, consegnato 15/10").empty());
  CHECK(matches(clf, "appuntamento fissato 1/10 alle 9").empty());
  CHECK(matches(clf, "ho dato 1 stella") == V{"1 stella:-2.00"});
  CHECK(matches(clf, "do solo 2 stelle") == V{"2 stelle:-1.50"});
  CHECK(matches(clf, "Dò 5 stelle") == V{"5 stelle:2.00"});
  CHECK(matches(clf, "non darei neanche 1 stella") == V{"1 stella:-2.00"});
  CHECK(matches(clf, "non merita 5 stelle") == V{"5 stelle:-1.60"});  // 2 × −0.8: a high rating is turned
  CHECK(matches(clf, "albergo 4 stelle").empty());                    // a hotel's class
  CHECK(matches(clf, "ho solo 2 stelle").empty());                    // "ho" gives no rating
  // "!" and "?" strengthen what the words say; alone they are no feature.
  std::vector<std::string_view> texts{"ok!", "gentile!", "ok?"};
  const auto F = clf.lexicon_features(texts);
  CHECK(F(0, 7) == 0.0);
  CHECK(F(1, 7) == 1.0);
  CHECK(F(2, 8) == 0.0);
}

TEST_CASE(
    "a missed minimum, 'ancora' with a negation and weak praise in a complaint give their hand-computed weights") {
  // Stop 44: complaints written as facts ("non è ancora arrivato", "nessuno si è presentato",
  // "il pacco è arrivato rotto") read neutral or mixed.
  const auto clf = fitted_lexicon_only(
      "arrivato\t0.5\nrisposto\t0.5\npresentato\t0.5\nsufficiente\t0.5\ngrande\t0.5\nsorpresa\t0.5\n"
      "rotto\t-2\nfunziona\t1\nritardo\t-1.5\n");
  // A verb's negation of a minimum or an expected event: at least −1 (0.5 × −0.8 = −0.4 before).
  CHECK(matches(clf, "il pacco non è arrivato") == V{"arrivato:-1.00"});
  CHECK(matches(clf, "non è sufficiente") == V{"sufficiente:-1.00"});
  CHECK(matches(clf, "non è mai arrivato") == V{"arrivato:-1.00"});
  CHECK(matches(clf, "nessuno si è presentato") == V{"presentato:-1.00"});  // "nessuno" before a clitic: a verb's
  // Not a verb's negation, or not a minimum: turned as any positive.
  CHECK(matches(clf, "mai arrivato") == V{"arrivato:-0.40"});
  CHECK(matches(clf, "nessuna sorpresa") == V{"sorpresa:-0.40"});
  CHECK(matches(clf, "la camera non era grande") == V{"grande:-0.40"});
  // "ancora" before the negator or in its scope: not yet, × 1.5.
  CHECK(matches(clf, "il pacco non è ancora arrivato") == V{"arrivato:-1.50"});
  CHECK(matches(clf, "ancora non hanno risposto") == V{"risposto:-1.50"});
  CHECK(matches(clf, "non ho ancora provato, funziona") == V{"funziona:1.00"});  // the comma ends the scope
  // A weak positive (≤ 0.5) in a sentence with a complaint of −1 or more and no contrast: left out.
  CHECK(matches(clf, "è arrivato rotto") == V{"rotto:-2.00"});
  CHECK(matches(clf, "è arrivato. Rotto.") == V{"arrivato:0.50", "rotto:-2.00"});  // two sentences
  // A contrast keeps both sides: 0.5 × 0.6 before it, −1.5 × 0.6, 1 × 1.3 after it.
  CHECK(matches(clf, "è arrivato in ritardo ma funziona") == V{"arrivato:0.30", "ritardo:-0.90", "funziona:1.30"});
}

TEST_CASE("a change asked for is a complaint of -1, turned under a negation") {
  // Stop 45: requests and advice read neutral or even positive ("la camera andrebbe rinnovata",
  // "camere da sistemare", "migliorerei la colazione": migliorare has migliore's stem, a word of
  // praise); "datato" has the stem of dato and data.
  const auto clf = fitted_lexicon_only("migliore\t1\npulito\t1.5\nconsigliare\t1.5\n");
  // "andare", "dovere", "bisognare" and a change, fillers between them.
  CHECK(matches(clf, "la camera andrebbe rinnovata") == V{"andrebbe rinnovata:-1.00"});
  CHECK(matches(clf, "il bagno va assolutamente rinnovato") == V{"va assolutamente rinnovato:-1.00"});
  CHECK(matches(clf, "la moquette deve essere sostituita") == V{"deve essere sostituita:-1.00"});
  CHECK(matches(clf, "bisognerebbe migliorare la colazione") == V{"bisognerebbe migliorare:-1.00"});
  // "da" and the infinitive of a change, with or without a clitic.
  CHECK(matches(clf, "camere da sistemare") == V{"da sistemare:-1.00"});
  CHECK(matches(clf, "tutto da ristrutturare") == V{"da ristrutturare:-1.00"});
  // The customer's conditional and advice.
  CHECK(matches(clf, "migliorerei la colazione") == V{"migliorerei:-1.00"});
  CHECK(matches(clf, "consiglio di rivedere i prezzi") == V{"consiglio di rivedere:-1.00"});
  CHECK(matches(clf, "avrei preferito una doccia") == V{"avrei preferito:-1.00"});
  // The modal's scope goes on past its request: the praise it wishes for is turned (× −0.8).
  CHECK(matches(clf, "avrei preferito una camera più pulita") == V{"avrei preferito:-1.00", "pulito:-1.20"});
  CHECK(matches(clf, "un phon non guasterebbe") == V{"non guasterebbe:-1.00"});  // guastare has guasto's stem
  // An infinitive of change opening a sentence: advice, unless it is the subject of "essere".
  CHECK(matches(clf, "Migliorare i tempi di attesa.") == V{"Migliorare:-1.00"});
  CHECK(matches(clf, "ottimo. - rivedere i prezzi") == V{"rivedere:-1.00"});
  CHECK(matches(clf, "Cambiare i materassi è stato utile").empty());
  CHECK(matches(clf, "ho migliorato il profilo") == V{"migliore:1.00"});  // not advice
  CHECK(matches(clf, "arredamento un po datato") == V{"datato:-0.60"});   // a downtoner: × 0.6
  // Under a negation the request is turned (−1 × −0.6): praise.
  CHECK(matches(clf, "non cambierei nulla") == V{"cambierei:0.60"});
  CHECK(matches(clf, "niente da migliorare") == V{"da migliorare:0.60"});
  // No change asked for: the words read as any other.
  CHECK(matches(clf, "il servizio va migliorando") == V{"migliore:1.00"});  // a progressive
  CHECK(matches(clf, "la camera è migliorata") == V{"migliore:1.00"});
  CHECK(matches(clf, "va detto che era pulito") == V{"pulito:1.50"});
  CHECK(matches(clf, "consiglio di prenotare") == V{"consigliare:1.50"});
  CHECK(matches(clf, "il tecnico va a sistemare il guasto").empty());  // "a": a motion, not a filler
  // Found by a review (stop 45): formulas, adverbs, guesses at the past, the noun "consiglio",
  // subjects and questions, staying longer.
  CHECK(matches(clf, "va aggiunto che era pulito") == V{"pulito:1.50"});
  CHECK(matches(clf, "funziona e va correttamente").empty());
  CHECK(matches(clf, "la camera deve essere stata rinnovata").empty());
  CHECK(matches(clf, "ho seguito il consiglio di aggiornare") == V{"consigliare:1.50"});
  CHECK(matches(clf, "mi hanno consigliato di cambiare camera") == V{"consigliare:1.50"});
  CHECK(matches(clf, "Aggiornare l'app ha migliorato tutto") == V{"migliore:1.00"});
  CHECK(matches(clf, "Migliorare? Impossibile") == V{"migliore:1.00"});
  CHECK(matches(clf, "1) migliorare la colazione") == V{"migliorare:-1.00"});
  CHECK(matches(clf, "Rivedere i prezzi, che sono alti") == V{"Rivedere:-1.00"});
  CHECK(matches(clf, "avrei voluto restare di più").empty());
  CHECK(matches(clf, "ANDRÀ SISTEMATA") == V{"ANDRÀ SISTEMATA:-1.20"});  // capitals: × 1.2
  CHECK(matches(clf, "la data e il dato").empty());                      // "datato" as written only
  CHECK(matches(clf, "devo cambiare il metodo di pagamento").empty());   // the customer's own errand
  CHECK(matches(clf, "niente da aggiungere").empty());
}

TEST_CASE("what was due and did not come is a complaint of -1") {
  // Stop 45: complaints written as facts that read neutral ("il tecnico doveva venire martedì").
  const auto clf = fitted_lexicon_only("richiamato\t1\nfermo\t-1\naspettato\t-0.5\nproblema\t-1.5\nperfetto\t2\n");
  CHECK(matches(clf, "il tecnico doveva venire martedì") == V{"doveva venire:-1.00"});
  CHECK(matches(clf, "dovevano richiamarmi") == V{"dovevano richiamarmi:-1.00"});  // not the positive event
  CHECK(matches(clf, "doveva essere sistemato") == V{"doveva essere sistemato:-1.00"});
  CHECK(matches(clf, "ho dovuto richiamare") == V{"dovuto richiamare:-1.00"});
  CHECK(matches(clf, "non ho dovuto aspettare") == V{"dovuto aspettare:0.60"});  // turned: praise
  // A wait extends a complaint (the sentence's last match is negative), which no negation turns.
  CHECK(matches(clf, "la pratica è ferma da 20 giorni") == V{"fermo:-1.00", "da 20 giorni:-1.00"});
  CHECK(matches(clf, "aspetto da due settimane") == V{"aspettato:-0.50", "da due settimane:-1.00"});
  CHECK(matches(clf, "non ho avuto problemi da 3 mesi") == V{"problema:0.90"});
  CHECK(matches(clf, "uso l'app da 2 mesi, perfetta") == V{"perfetto:2.00"});
  // No wait, nothing due.
  CHECK(matches(clf, "cliente da 10 anni").empty());
  CHECK(matches(clf, "consegna da 3 a 5 giorni").empty());
  CHECK(matches(clf, "ho dovuto solo firmare").empty());
  CHECK(matches(clf, "come doveva essere").empty());
  CHECK(matches(clf, "dovuto a un guasto").empty());
  CHECK(matches(clf, "ho dovuto ammettere che era perfetto") == V{"perfetto:2.00"});  // no effort
  CHECK(matches(clf, "è arrivato quando doveva arrivare").empty());                   // compared with what was due
  CHECK(matches(clf, "tutto come doveva funzionare").empty());
}

TEST_CASE("a negative question asks to agree; a past contrasted with now counts for nothing") {
  // Stop 47: "ma nn vi vergognate??" read praise (the negation turned "vergognoso"), and "prima
  // funzionava benissimo, adesso è inutilizzabile" read mixed.
  const auto clf = fitted_lexicon_only(
      "vergognoso\t-3\nassurdo\t-2\nbenissimo\t2.5\ninutilizzabile\t-2.5\nlento\t-1\nveloce\t2\n"
      "ottimo\t2.5\nperfetto\t2\ncomodo\t1.5\ncaro\t-1.5\n");
  CHECK(matches(clf, "ma nn vi vergognate??") == V{"vergognoso:-3.90"});  // after "ma": × 1.3
  CHECK(matches(clf, "Ma non è assurdo?!") == V{"assurdo:-3.12"});        // opened by "ma": "?!" too (× 1.2 × 1.3)
  // A review of stop 47: a question that only asks keeps its negation.
  CHECK(matches(clf, "non vi sembra assurdo?") == V{"assurdo:1.20"});
  CHECK(matches(clf, "non è assurdo se pago alla consegna?") == V{"assurdo:1.20"});
  CHECK(matches(clf, "non è assurdo.") == V{"assurdo:1.20"});        // a statement: turned
  CHECK(matches(clf, "non è caro?!") == V{"caro:1.08"});             // "?!" after a statement (× 1.2)
  CHECK(matches(clf, "perché non è veloce?") == V{"veloce:-1.60"});  // a negated praise stays turned
  CHECK(matches(clf, "Prima funzionava benissimo, adesso è inutilizzabile") == V{"inutilizzabile:-3.25"});
  CHECK(matches(clf, "prima era lento, ora è veloce") == V{"veloce:2.60"});
  CHECK(matches(clf, "una volta eravate perfetti ora lenti") == V{"lento:-1.30"});
  CHECK(matches(clf, "prima non c'era, ora è comodo") == V{"comodo:1.95"});
  CHECK(matches(clf, "all'inizio funzionava benissimo, oggi è lento") == V{"lento:-1.30"});
  // No past marker before a verb in the imperfect, or no "now": as said.
  CHECK(matches(clf, "Prima colazione ottima, ora di arrivo comoda") == V{"ottimo:2.50", "comodo:1.50"});
  CHECK(matches(clf, "la prima volta era perfetto") == V{"perfetto:2.00"});
  CHECK(matches(clf, "prima funzionava benissimo") == V{"benissimo:2.50"});
  CHECK(matches(clf, "prima era lento. Ora è veloce") == V{"lento:-1.00", "veloce:2.00"});  // another sentence
  // A review of stop 47: a plain present is the past's opposite; "ora anche" and "ancora di più"
  // go on; an idiom at the marker stays.
  CHECK(matches(clf, "prima era veloce, ora ci mette ore") == V{"ora:-1.30"});
  CHECK(matches(clf, "prima era perfetto e ora lo è ancora di più").empty());
  CHECK(matches(clf, "prima era lento, ora anche caro") == V{"lento:-1.00", "caro:-1.50"});
  CHECK(matches(clf, "all'inizio funzionava benissimo, poi è inutilizzabile") == V{"inutilizzabile:-3.25"});
  const auto idiom = fitted_lexicon_only("prima funzionava\t-1\nbenissimo\t2.5\n");
  CHECK(matches(idiom, "Prima funzionava, adesso non più") == V{"prima funzionava:-0.60"});  // × 0.6 before it
}

TEST_CASE("a reservation after praise counts even when its words are plain") {
  // Stop 47: "il prodotto è bello ma la consegna ci ha messo due settimane" read positive.
  const auto clf = fitted_lexicon_only("bello\t1.5\nlento\t-1\nsilenzioso\t1.5\nveloce\t2\nottimo\t2.5\n");
  CHECK(matches(clf, "il prodotto è bello ma la consegna ci ha messo due settimane") ==
        V{"bello:0.90", "ma:-1.30"});  // before the contrast × 0.6, after it × 1.3
  CHECK(matches(clf, "frigorifero silenzioso, però il freezer forma ghiaccio") == V{"silenzioso:0.90", "però:-1.30"});
  CHECK(matches(clf, "consegna veloce, il kebab invece era asciutto") == V{"veloce:1.20", "invece:-1.30"});
  // The clause says something: as said.
  CHECK(matches(clf, "bello ma lento") == V{"bello:0.90", "lento:-1.30"});
  CHECK(matches(clf, "bello ma veloce") == V{"bello:0.90", "veloce:2.60"});
  // Not after a complaint, not "ma anche", not "comunque", not without praise before it.
  CHECK(matches(clf, "lento ma non è colpa loro") == V{"lento:-0.60"});
  CHECK(matches(clf, "non solo bello ma anche comodo") == V{"bello:0.90"});
  CHECK(matches(clf, "ottimo, comunque ci sentiamo") == V{"ottimo:1.50"});
  CHECK(matches(clf, "ma che dite").empty());
  CHECK(matches(clf, "bello. Però la consegna è durata due settimane") == V{"bello:1.50", "Però:-1.30"});
  // A review of stop 47: not after thanks, not in a question, not "ma non solo", "invece di".
  CHECK(matches(clf, "bello, ma allora posso passare domani?") == V{"bello:0.90"});
  CHECK(matches(clf, "ottimo, ma non solo: c'è anche il bar") == V{"ottimo:1.50"});
  CHECK(matches(clf, "bello, invece di comprarlo in negozio l'ho preso online") == V{"bello:0.90"});
}

TEST_CASE("a misfortune put right is the occasion of praise, not a complaint") {
  // Stop 47: "Ho avuto un incidente e il consulente mi ha seguito con grande umanità" read mixed.
  const auto clf = fitted_lexicon_only(
      "incidente\t-1.5\nrubato\t-2.5\neccellente\t3\numanità\t1.5\nrotto\t-1.5\ngentile\t2\nlento\t-1\n"
      "smarrito\t-2\ngrazie\t1\n");
  CHECK(matches(clf, "Ho avuto un incidente e il consulente mi ha seguito con grande umanità") ==
        V{"incidente:-0.38", "umanità:1.50"});
  CHECK(matches(clf, "Mi hanno rubato la carta, la nuova è arrivata subito. Servizio eccellente.") ==
        V{"rubato:-0.62", "eccellente:3.00"});
  // A review of stop 47: not what the company lost, not with thanks alone last.
  CHECK(matches(clf, "Mi avete smarrito il pacco, eccellente") == V{"smarrito:-2.00", "eccellente:3.00"});
  CHECK(matches(clf, "Incidente con l'auto, franchigia da 800 euro. Grazie.") == V{"incidente:-1.50", "grazie:1.00"});
  // Not with a fault of what was sold, another complaint, a contrast, or praise before it.
  CHECK(matches(clf, "bagno rotto, personale gentile") == V{"rotto:-1.50", "gentile:2.00"});
  CHECK(matches(clf, "incidente, assistenza lenta, personale gentile") ==
        V{"incidente:-1.50", "lento:-1.00", "gentile:2.00"});
  CHECK(matches(clf, "incidente ma personale gentile") == V{"incidente:-0.90", "gentile:2.60"});
  CHECK(matches(clf, "personale gentile, poi l'incidente") == V{"gentile:2.00", "incidente:-1.50"});
}

TEST_CASE("a story told from its start: what went wrong before is the occasion of praise") {
  // Stop 48: "avevo un problema col badge, risolto in 2 minuti alla reception" and "Mi avevano
  // addebitato due volte la spesa, alla cassa centrale hanno stornato subito. Gentilissimi" read mixed.
  const auto clf = fitted_lexicon_only("problema\t-1.5\nrisolto\t1.5\nrotto\t-1.5\ngentile\t2\ngrazie\t1\n");
  CHECK(matches(clf, "avevo un problema col badge, risolto in 2 minuti") == V{"problema:-0.38", "risolto:1.50"});
  CHECK(matches(clf, "Ho avuto un problema, risolto subito") == V{"problema:-0.38", "risolto:1.50"});
  CHECK(matches(clf, "Buongiorno, avevo un problema, risolto subito") == V{"problema:-0.38", "risolto:1.50"});
  // Only when a later word says it was put right (a review of stop 48), and not denied.
  CHECK(matches(clf, "Avevo il bagno rotto, personale gentile") == V{"rotto:-1.50", "gentile:2.00"});
  CHECK(matches(clf, "Avevo il bagno rotto, nessuno l'ha riparato, personale gentile") ==
        V{"rotto:-1.50", "gentile:2.00"});
  CHECK(matches(clf, "Mi avevano mandato un pacco rotto, l'hanno cambiato subito. Gentili") ==
        V{"rotto:-0.38", "gentile:2.00"});
  // Only the first clause, of a comment that opens with the story; praise last, not thanks.
  CHECK(matches(clf, "Avevo un problema, ancora rotto. Gentili") == V{"problema:-1.50", "rotto:-1.50", "gentile:2.00"});
  CHECK(matches(clf, "Gentili, avevo un problema, risolto") == V{"gentile:2.00", "problema:-1.50", "risolto:1.50"});
  CHECK(matches(clf, "avevo un problema, grazie") == V{"problema:-1.50", "grazie:1.00"});
  CHECK(matches(clf, "avevo un pacco rotto gentili") == V{"rotto:-1.50", "gentile:2.00"});  // no clause told
}

TEST_CASE("a question opened by 'ma' or closed by two question marks that matches nothing is a complaint") {
  // Stop 48: "ma i pacchi li lanciate dal furgone?", "hanno tolto la modalità scura, perché???"
  // read neutral.
  const auto clf = fitted_lexicon_only("gentile\t2\nlento\t-1\n");
  CHECK(matches(clf, "ma i pacchi li lanciate dal furgone?") == V{"ma:-2.60"});
  CHECK(matches(clf, "hanno tolto la modalità scura, perché???") == V{"???:-2.00"});
  // Not a plain question, nor one whose words say something, nor a statement.
  CHECK(matches(clf, "a che ora chiudete domenica?").empty());
  CHECK(matches(clf, "ma il personale è gentile?") == V{"gentile:2.60"});
  CHECK(matches(clf, "ma i pacchi arrivano domani.").empty());
  // A review of stop 48: nor a question that asks for information.
  CHECK(matches(clf, "Ma fate anche consegne a domicilio?").empty());
  CHECK(matches(clf, "Ma è possibile pagare con Satispay?").empty());
  CHECK(matches(clf, "Come faccio a scaricare la fattura dall'app??").empty());
}

TEST_CASE("'meno' with nothing to lessen after praise is the comparison left unsaid") {
  // Stop 48: "il negozio è stupendo, il personale un po meno" and "Comodo l'orario continuato, un
  // po' meno la pulizia dei bagni" read positive.
  const auto clf = fitted_lexicon_only("stupendo\t2.5\ncomodo\t1.5\nmeno male\t1\npulito\t1.5\n");
  CHECK(matches(clf, "il negozio è stupendo, il personale un po meno") == V{"stupendo:2.50", "meno:-1.00"});
  CHECK(matches(clf, "comodo, meno le macchinette") == V{"comodo:1.50", "meno:-1.00"});
  // Not before what it lessens, not without praise before it, not in "meno di" or "meno male".
  CHECK(matches(clf, "comodo, meno pulito") == V{"comodo:1.50", "pulito:-1.05"});
  CHECK(matches(clf, "arrivato in meno di un giorno, stupendo") == V{"stupendo:2.50"});
  CHECK(matches(clf, "il personale un po meno").empty());
  CHECK(matches(clf, "stupendo, meno male") == V{"stupendo:2.50", "meno male:1.00"});
}

TEST_CASE("the fault a contact was for is no complaint when praise follows") {
  // Stop 47: "ho chiamato il numero verde per un problema col modem, l'operatore è preparatissimo"
  // read mixed on the sample survey.
  const auto clf = fitted_lexicon_only(
      "problema\t-1.5\nguasto\t-2\npreparato\t1.5\ndeluso\t-3\nfunziona\t1\n"
      "gentile\t2\nnon andava\t-1.5\n");
  CHECK(matches(clf, "ho chiamato il numero verde per un problema col modem, l'operatore è preparato") ==
        V{"preparato:1.50"});
  CHECK(matches(clf, "ho telefonato perché internet non andava e il tecnico è stato gentile") == V{"gentile:2.00"});
  CHECK(matches(clf, "ho scritto perché non funzionava, gentili") == V{"gentile:2.00"});
  // No praise after it, what the customer feels, another segment, far from the contact: as said.
  CHECK(matches(clf, "ho chiamato per un guasto e nessuno è venuto") == V{"guasto:-2.00"});
  CHECK(matches(clf, "vi scrivo perché sono deluso, siete gentili") == V{"deluso:-3.00", "gentile:2.00"});
  CHECK(matches(clf, "gentili, ma ho chiamato per un guasto") == V{"gentile:1.20", "guasto:-2.60"});
  CHECK(matches(clf, "ho chiamato, un problema per tre giorni, gentili") == V{"problema:-1.50", "gentile:2.00"});
}

TEST_CASE("bello right before a complaint intensifies it") {
  // Stop 47: "bell'inganno", "una bella fregatura" read mixed.
  const auto clf = fitted_lexicon_only("bello\t1.5\nbel\t1.5\ninganno\t-2.5\nfregatura\t-2.5\nrumoroso\t-1.5\n");
  CHECK(matches(clf, "bell'inganno") == V{"inganno:-3.75"});
  // Stop 48: "bel" has a stem of its own (bel, bello's bell) and its own entry; a fine word too.
  CHECK(matches(clf, "un bel inganno") == V{"inganno:-3.75"});
  CHECK(matches(clf, "bel negozio") == V{"bel:1.50"});
  CHECK(matches(clf, "una bella fregatura") == V{"fregatura:-3.75"});
  CHECK(matches(clf, "bella camera, rumorosa") == V{"bello:1.50", "rumoroso:-1.50"});  // not right before
  CHECK(matches(clf, "bella e rumorosa") == V{"bello:1.50", "rumoroso:-1.50"});
  // A review of stop 47: before a noun only ("bel", "bell'", or after an article or "che").
  CHECK(matches(clf, "la coperta è bella rumorosa") == V{"bello:1.50", "rumoroso:-1.50"});
  CHECK(matches(clf, "che bella fregatura") == V{"fregatura:-3.75"});
}

TEST_CASE("an expected event not come yet is a complaint") {
  // Stop 47: "il rimborso non è ancora stato accreditato" read neutral (no entry of its own).
  // Turned to the missed minimum (-1), × 1.5 for "ancora".
  const auto clf = fitted_lexicon_only("arrivato\t0.5\nbene\t1.5\n");
  CHECK(matches(clf, "il rimborso non è ancora stato accreditato") == V{"accreditato:-1.50"});
  CHECK(matches(clf, "ancora non è partito") == V{"partito:-1.50"});
  CHECK(matches(clf, "non è ancora arrivato") == V{"arrivato:-1.50"});  // its entry, turned
  // Without "ancora", or not negated: nothing said.
  CHECK(matches(clf, "il rimborso non è stato accreditato").empty());
  CHECK(matches(clf, "è ancora partito").empty());
  CHECK(matches(clf, "il rimborso non è mai stato accreditato") == V{"accreditato:-1.00"});  // "mai" as "ancora"
  // A review of stop 47: not time passing, not the customer's own action.
  CHECK(matches(clf, "non è ancora passata una settimana").empty());
  CHECK(matches(clf, "non ho ancora chiamato l'assistenza").empty());
  CHECK(matches(clf, "non sono ancora tornato").empty());
}

TEST_CASE("an errand done again and again is a complaint of -1.5") {
  // Stop 47: "ho spiegato il problema 4 volte" read neutral.
  const auto clf = fitted_lexicon_only("perfetto\t2\napprezzare\t1.5\n");
  CHECK(matches(clf, "ho chiamato 5 volte") == V{"5 volte:-1.50"});
  CHECK(matches(clf, "ho spiegato la cosa quattro volte") == V{"quattro volte:-1.50"});
  CHECK(matches(clf, "devi scrivere operatore 6 volte") == V{"6 volte:-1.50"});
  CHECK(matches(clf, "ho sollecitato più volte") == V{"più volte:-1.50"});
  // Not once, not across a comma, not a service used, not a stay.
  CHECK(matches(clf, "ho chiamato 1 volta").empty());
  CHECK(matches(clf, "ho chiamato, 3 volte al giorno").empty());
  CHECK(matches(clf, "ho cambiato il biglietto 3 volte senza penali").empty());
  CHECK(matches(clf, "ci sono tornato tre volte ed è perfetto") == V{"perfetto:2.00"});
  CHECK(matches(clf, "3 volte").empty());
  CHECK(matches(clf, "non ho dovuto ripetere la cosa due volte") == V{"dovuto ripetere:0.60"});  // denied
  CHECK(matches(clf, "senza dover chiamare tre volte").empty());
  CHECK(matches(clf, "ho chiesto i documenti quattro volte") == V{"quattro volte:-1.50"});  // chiesto's stem
  // A review of stop 47: the customer's own errand only; not sending things.
  CHECK(matches(clf, "mi hanno contattato due volte per aggiornarmi").empty());
  CHECK(matches(clf, "ho inviato pacchi con loro 5 volte").empty());
  CHECK(matches(clf, "devi scrivere \"operatore\" 6 volte") == V{"6 volte:-1.50"});  // quotes pass
  // "cosa" has così's stem and intensified the next word.
  CHECK(matches(clf, "la cosa perfetta") == V{"perfetto:2.00"});
  CHECK(matches(clf, "così perfetta") == V{"perfetto:3.00"});
}

TEST_CASE("a repair ends the fault it names; a negated one or a question ends none") {
  // Stop 46: "problema della carta bloccata risolto subito" read mixed (the fault and its repair).
  const auto clf = fitted_lexicon_only(
      "problema\t-1.5\nerrore\t-1.5\ndifettoso\t-2\nrisolto\t1.5\nritardo\t-1.5\ncarta bloccata\t-2\n"
      "problema risolto\t2\nlento\t-1\nguasto\t-2\nsempre lo stesso problema\t-2\nerrato\t-1.5\n");
  CHECK(matches(clf, "problema della carta bloccata risolto subito") == V{"risolto:1.50"});
  CHECK(matches(clf, "ha corretto l'errore") == V{"corretto:1.00"});  // a repair with no entry: kRepaired
  CHECK(matches(clf, "mi hanno sostituito il pezzo difettoso") == V{"sostituito:1.00"});
  CHECK(matches(clf, "errore, problema risolto") == V{"errore:-1.50", "problema risolto:2.00"});  // a comma between
  CHECK(matches(clf, "l'errore e il problema risolto") == V{"errore:-1.50", "problema risolto:2.00"});
  // Only faults: "lento" is no fault a repair ends.
  CHECK(matches(clf, "risolto lento") == V{"risolto:1.50", "lento:-1.00"});
  // Found by a review (stop 46): one repair ends one fault (with the words joined to it by "di",
  // "della", "con"), in its own segment, not a fault still there, not after a hope, a chat negation
  // or before "niente", "da solo"; "corretto" after an auxiliary or a clitic only.
  CHECK(matches(clf, "hanno sostituito il pezzo difettoso con un altro difettoso") ==
        V{"sostituito:1.00", "difettoso:-2.00"});
  CHECK(matches(clf, "hanno sostituito il tecnico, il guasto resta") == V{"guasto:-2.00"});
  CHECK(matches(clf, "sostituito il modem il problema rimane") == V{"problema:-1.50"});
  CHECK(matches(clf, "sostituito il modem il guasto continua") == V{"guasto:-2.00"});
  // A second review (stop 46): "ancora", "di nuovo" and "quando" tell of thanks and of what
  // happened; "non solo", "in solo mezz'ora" deny nothing; "riparato male" repaired nothing;
  // "corretto" after a fault is a repair.
  CHECK(matches(clf, "ancora una volta hanno risolto il problema") == V{"risolto:1.50"});
  CHECK(matches(clf, "quando ho chiamato il problema è stato risolto") == V{"risolto:1.50"});
  CHECK(matches(clf, "non solo hanno risolto il problema") == V{"risolto:1.50"});
  CHECK(matches(clf, "guasto risolto in solo mezz'ora") == V{"risolto:1.50"});
  CHECK(matches(clf, "il guasto è stato riparato male") == V{"guasto:-2.00"});
  CHECK(matches(clf, "bolletta errata corretta subito") == V{"corretta:1.00"});
  CHECK(matches(clf, "sostituito il modem sempre lo stesso problema") == V{"sempre lo stesso problema:-2.00"});
  CHECK(matches(clf, "hanno sostituito il guasto con uno nuovo") == V{"sostituito:1.00"});  // "di nuovo" only
  CHECK(matches(clf, "prezzo corretto prodotto difettoso") == V{"difettoso:-2.00"});
  CHECK(matches(clf, "l'hanno corretto, l'errore") == V{"errore:-1.50"});  // another segment
  CHECK(matches(clf, "hanno corretto l'errore") == V{"corretto:1.00"});
  CHECK(matches(clf, "il problema nn e stato risolto") == V{"problema:-1.50", "risolto:1.50"});
  CHECK(matches(clf, "speravo che il problema fosse risolto") == V{"problema:-1.50", "risolto:1.50"});
  CHECK(matches(clf, "se risolvono il problema torno") == V{"problema:-1.50"});
  CHECK(matches(clf, "l'errore risolto un bel niente") == V{"errore:-1.50", "risolto:1.50"});
  CHECK(matches(clf, "il problema si è risolto da solo") == V{"problema:-1.50", "risolto:1.50"});
  CHECK(matches(clf, "guasto parzialmente risolto") == V{"guasto:-2.00", "risolto:1.50"});
  // Negated, infinitive, asked or across a contrast: nothing ended.
  CHECK(matches(clf, "il problema non è stato risolto") == V{"problema:-1.50", "risolto:-1.20"});
  CHECK(matches(clf, "il pezzo difettoso non è stato sostituito") == V{"difettoso:-2.00"});
  CHECK(matches(clf, "per risolvere il problema ho chiamato") == V{"problema:-1.50"});
  CHECK(matches(clf, "il problema è stato risolto?") == V{"problema:-1.50", "risolto:1.50"});
  CHECK(matches(clf, "hanno risolto tutto ma c'è un errore") == V{"risolto:0.90", "errore:-1.95"});
  // Out of reach (more than 10 tokens away) or in another sentence.
  CHECK(matches(clf, "un problema con la linea di casa che ci accompagnava da anni e che alla fine hanno risolto") ==
        V{"problema:-1.50", "risolto:1.50"});
  CHECK(matches(clf, "un errore. Risolto") == V{"errore:-1.50", "risolto:1.50"});
}

TEST_CASE("a verdict beside a complaint is irony, turned as a negation turns praise") {
  // Stop 46: "il panino era freddo, bravi eh 😒", "Ogni aggiornamento peggiora qualcosa.
  // Complimenti." read mixed.
  const auto clf = fitted_lexicon_only(
      "complimenti\t2.5\nbravo\t2\ngrazie\t1\ngeniale\t2\nfreddo\t-1\nritardo\t-1.5\n👏\t2\n🙃\t-1\n"
      "😒\t-1.5\nottimo\t2.5\nsporco\t-2\nrotto\t-2\npazienza\t0.5\ngentile\t2\n");
  // "eh" after the verdict, "beh" before it, in a sentence with a complaint.
  CHECK(matches(clf, "panino freddo, bravi eh") == V{"freddo:-1.00", "bravo:-1.60"});
  CHECK(matches(clf, "ah beh, ottimo, un'ora di ritardo") == V{"ottimo:-2.00", "ritardo:-1.50"});
  CHECK(matches(clf, "bravi eh") == V{"bravo:2.00"});  // no complaint: praise
  // An ironic emoji in the verdict's clause; applause with a complaint there.
  CHECK(matches(clf, "ritardo di un'ora, grazie 🙃") == V{"ritardo:-1.50", "grazie:-0.80", "🙃:-1.00"});
  CHECK(matches(clf, "ottimo servizio 🙃") == V{"ottimo:-2.00", "🙃:-1.00"});
  CHECK(matches(clf, "tutto rotto 👏") == V{"rotto:-2.00", "👏:-1.60"});
  CHECK(matches(clf, "bravissimi 👏") == V{"bravo:3.00", "👏:2.00"});
  // The complaint after a contrast leaves the praise before it alone: mixed.
  CHECK(matches(clf, "ottimo il personale, ma la camera era sporca 😒") == V{"ottimo:1.50", "sporco:-2.60", "😒:-1.95"});
  // A closing verdict after complaints only, alone in its sentence.
  CHECK(matches(clf, "Arrivato rotto. Geniale.") == V{"rotto:-2.00", "geniale:-1.60"});
  CHECK(matches(clf, "Due ore di ritardo. Complimenti davvero 👏👏") ==
        V{"ritardo:-1.50", "complimenti:-2.00", "👏:-1.60"});
  CHECK(matches(clf, "Arrivato rotto. Geniale il tecnico.") == V{"rotto:-2.00", "geniale:2.00"});
  CHECK(matches(clf, "Arrivato rotto. Operatore gentile. Grazie.") == V{"rotto:-2.00", "gentile:2.00", "grazie:1.00"});
  // Found by a review (stop 46): a closing verdict is the comment's last sentence, after a sentence
  // with a complaint, and a verdict on what the company did; "eh" turns after a complaint only, of
  // at least −1; "ma" is no filler.
  CHECK(matches(clf, "Arrivato rotto. Bravi! Il tecnico gentile.") == V{"rotto:-2.00", "bravo:2.20", "gentile:2.00"});
  CHECK(matches(clf, "Arrivato rotto. Il tecnico è venuto. Bravi.") == V{"rotto:-2.00", "bravo:2.00"});
  CHECK(matches(clf, "Arrivato rotto. Ottimo.") == V{"rotto:-2.00", "ottimo:2.50"});   // a quality
  CHECK(matches(clf, "Arrivato rotto. Ma bravi.") == V{"rotto:-2.00", "bravo:2.60"});  // after a contrast × 1.3
  CHECK(matches(clf, "bravi eh, panino freddo") == V{"bravo:2.00", "freddo:-1.00"});
  CHECK(matches(clf, "Arrivato rotto. Bravi!") == V{"rotto:-2.00", "bravo:2.20"});  // "!": sincere
  // Thanks are not turned ("grazie per la pazienza"), unless another rule turns them.
  CHECK(matches(clf, "grazie per il ritardo") == V{"grazie:1.00", "ritardo:-1.50"});
  CHECK(matches(clf, "ritardo di un'ora. Grazie.") == V{"ritardo:-1.50", "grazie:1.00"});  // politeness
}

TEST_CASE("what the customer expected was missing; the noun 'aspetto' is no wait") {
  // Stop 46: "da un albergo a 4 stelle mi aspetto una ristorazione migliore" read praise, "ogni
  // aspetto del soggiorno" a wait (aspettare's stem).
  const auto clf = fitted_lexicon_only("aspettato\t-0.5\nmigliore\t1\neccellente\t3\nottimo\t2.5\ncortesia\t2\n");
  CHECK(matches(clf, "mi aspetto un servizio migliore") == V{"migliore:-0.80"});  // × −0.8, as a modal's
  CHECK(matches(clf, "ti aspetti un servizio eccellente") == V{"eccellente:-2.40"});
  // The past is a wait as before: turned by the negation, which it ends; "tanta" × 1.5.
  CHECK(matches(clf, "non mi aspettavo tanta cortesia") == V{"aspettato:0.30", "cortesia:3.00"});
  CHECK(matches(clf, "ottimo sotto ogni aspetto") == V{"ottimo:2.50"});
  CHECK(matches(clf, "l'aspetto delle camere").empty());
  CHECK(matches(clf, "aspetto il rimborso") == V{"aspettato:-0.50"});  // the verb
  CHECK(matches(clf, "ho aspettato, ottimo") == V{"aspettato:-0.50", "ottimo:2.50"});
  // Not the past, an object or the same again (a second review, stop 46).
  CHECK(matches(clf, "mi aspettavo un servizio eccellente") == V{"aspettato:-0.50", "eccellente:3.00"});
  CHECK(matches(clf, "ci aspettava con una torta ottima") == V{"aspettato:-0.50", "ottimo:2.50"});
  CHECK(matches(clf, "mi aspetto lo stesso servizio eccellente") == V{"aspettato:-0.50", "eccellente:3.00"});
}

TEST_CASE("a later single-word entry of a stem is matched as written and wins over the stem's first") {
  // Stop 46: "lasciato davanti al cancello" read a cancellation (cancello has cancellato's stem).
  const auto clf = fitted_lexicon_only("cancellato\t-1\ncancello\t0\ncancelli\t0\nordine\t0\nordinato\t1.5\n");
  CHECK(matches(clf, "volo cancellato") == V{"cancellato:-1.00"});
  CHECK(matches(clf, "corsa cancellata") == V{"cancellato:-1.00"});  // the stem's other forms: the first entry's
  CHECK(matches(clf, "lasciato davanti al cancello").empty());
  CHECK(matches(clf, "i CANCELLI erano chiusi").empty());  // folded as written
  CHECK(matches(clf, "un negozio ordinato") == V{"ordinato:1.50"});
  CHECK(matches(clf, "il mio ordine").empty());                 // a neutral first entry: the stem counts for nothing
  CHECK(matches(clf, "troppi cancelli") == V{"troppi:-1.00"});  // a neutral form is no match: "troppo" goes on
}

TEST_CASE("'per' is no contrast word, though it has però's stem") {
  const auto clf = fitted_lexicon_only("ottimo\t2.5\ncaro\t-1\n");
  CHECK(matches(clf, "ottimo per il prezzo") == V{"ottimo:2.50"});            // 1.50 before
  CHECK(matches(clf, "ottimo però caro") == V{"ottimo:1.50", "caro:-1.30"});  // × 0.6, × 1.3
  CHECK(matches(clf, "ottimo pero caro") == V{"ottimo:1.50", "caro:-1.30"});  // as often written
}

TEST_CASE("'zero' denies the word after it or a wish; 'per niente' after a negation intensifies it") {
  const auto clf = fitted_lexicon_only("ottimo\t2.5\naiutare\t1\nsoddisfatto\t2\n");
  CHECK(matches(clf, "zero voglia di aiutare") == V{"aiutare:-0.80"});
  CHECK(matches(clf, "prodotti a chilometro zero ottimi") == V{"ottimo:2.50"});  // a number
  CHECK(matches(clf, "tasso zero ottimo") == V{"ottimo:2.50"});
  CHECK(matches(clf, "non sono per niente soddisfatto") == V{"soddisfatto:-2.40"});  // −0.8 × 1.5
  CHECK(matches(clf, "non sono soddisfatto") == V{"soddisfatto:-1.60"});
  CHECK(matches(clf, "per niente soddisfatto") == V{"soddisfatto:-2.40"});
}

TEST_CASE("a phrase takes 'un po'' after its first word as a downtoner") {
  const auto clf = fitted_lexicon_only("prezzo alto\t-1.5\n");
  CHECK(matches(clf, "prezzo alto") == V{"prezzo alto:-1.50"});
  CHECK(matches(clf, "prezzo un po' alto") == V{"prezzo alto:-0.90"});  // × 0.6
  CHECK(matches(clf, "prezzo un tempo alto").empty());
}

TEST_CASE("modals, wishes, hashtags and possessives give their hand-computed weights") {
  // Found by a red-team pass (stop 43) on product, app and social comments the team wrote.
  const auto clf = fitted_lexicon_only(
      "gentile\t2\nmeglio\t1\nmigliore\t1\nutile\t1\nfunziona\t1\nproblema\t-1.5\nvergogna\t-2\n"
      "bloccato\t-1\nrispetto\t1\nsmesso di funzionare\t-2.5\nnon smette di\t0\nrispetto al\t0\n"
      "difficile\t-1\npuntuale\t1\nritardo\t-1.5\ndifficile fare meglio\t2\nrispondere\t0.5\n");
  // A conditional or past modal turns the first positive word after it (× −0.8), as a negation.
  CHECK(matches(clf, "potrebbe essere migliore") == V{"migliore:-0.80"});
  CHECK(matches(clf, "potrebbe essere più gentile") == V{"gentile:-1.60"});
  CHECK(matches(clf, "potrebbe essere utile") == V{"utile:1.00"});  // "potrebbe" turns a comparison alone
  // (stop 44: the weak "rispondere" in a complaining sentence is no praise: left out)
  CHECK(matches(clf, "potreste rispondere più gentilmente") == V{"gentile:-1.60"});
  CHECK(matches(clf, "poteva essere gentile") == V{"gentile:-1.60"});
  CHECK(matches(clf, "dovevano essere gentili") == V{"gentile:-1.60"});  // "doveva": dove's stem, as written
  CHECK(matches(clf, "avrebbero dovuto essere gentili") == V{"gentile:-1.60"});
  CHECK(matches(clf, "sarebbe stato meglio") == V{"meglio:-0.80"});
  CHECK(matches(clf, "ho potuto parlare con un operatore gentile") == V{"gentile:2.00"});  // potuto: no modal
  CHECK(matches(clf, "dove sono gentili") == V{"gentile:2.00"});
  CHECK(matches(clf, "poteva essere gentile, meglio così") == V{"gentile:-1.60", "meglio:1.00"});  // a comma ends it
  // Inside a negation a modal is the negated comparison: the comparative is intensified (× 1.5).
  CHECK(matches(clf, "non poteva andare meglio") == V{"meglio:1.50"});
  CHECK(matches(clf, "non potrebbe essere migliore") == V{"migliore:1.50"});
  CHECK(matches(clf, "non poteva essere gentile") == V{"gentile:-1.60"});  // no comparison: a negation
  // Review of stop 43: a modal after "come" or before "così" compares with what the customer has
  // (praise); a negative word ends its scope; a hashtag is spared but the scope goes on; a
  // possessive spares a noun only from a verb's negation ("non"), not from "mai un ...".
  CHECK(matches(clf, "un'assistenza come dovrebbe essere gentile") == V{"gentile:2.00"});
  CHECK(matches(clf, "magari fossero tutti così gentili") == V{"gentile:3.00"});  // 2 × 1.5 (così)
  CHECK(matches(clf, "sarebbe difficile trovare di meglio") == V{"difficile:-1.00", "meglio:1.00"});
  CHECK(matches(clf, "sarebbe difficile fare meglio") == V{"difficile fare meglio:2.00"});  // an idiom: not turned
  CHECK(matches(clf, "non ho mai visto un treno #puntuale puntuale") == V{"puntuale:1.00", "puntuale:-0.80"});
  CHECK(matches(clf, "mai un loro ritardo") == V{"ritardo:0.90"});
  CHECK(matches(clf, "non c'è mai stato un loro ritardo") == V{"ritardo:0.90"});  // no verb but the existential
  // "magari" with an imperfect subjunctive within two words: a wish for what is missing.
  CHECK(matches(clf, "magari funzionasse") == V{"funziona:-0.80"});
  CHECK(matches(clf, "magari fosse gentile") == V{"gentile:-1.60"});
  CHECK(matches(clf, "magari un operatore gentile") == V{"gentile:2.00"});
  // "migliorabile" (migliore's stem): not good yet.
  CHECK(matches(clf, "servizio migliorabile") == V{"migliore:-1.00"});
  // A hashtag is out of any negation's reach; a possessive marks the negated verb's object.
  // (stop 44: "rispondere" is a minimum, its verb's negation at least −1)
  CHECK(matches(clf, "non vi rispondono mai #vergogna") == V{"rispondere:-1.00", "vergogna:-2.00"});
  CHECK(matches(clf, "non hanno capito il mio problema") == V{"problema:-1.50"});
  CHECK(matches(clf, "non ho avuto problemi") == V{"problema:0.90"});  // −1.5 × −0.6
  // Idioms of the stop: "ha smesso di" a complaint, "non smette di" no negation, "rispetto al" no praise.
  CHECK(matches(clf, "ha smesso di funzionare") == V{"smesso di funzionare:-2.50"});
  CHECK(matches(clf, "non smette di bloccarsi") == V{"bloccato:-1.00"});
  CHECK(matches(clf, "rispetto al mese scorso").empty());
}

TEST_CASE("of the phrases a word starts, the longest that the next words continue wins, then the first entry") {
  // Phrases are found by their second word (binary search in the phrases of the first): the rule
  // is the one of a scan of all of them, longest first and, among equal lengths, the first entry.
  const auto clf = fitted_lexicon_only(
      "da rifare\t-2\n"
      "da non\t-0.5\n"
      "da evitare\t-3\n"
      "da non perdere\t3\n"
      "resto deluso\t-2\n"
      "resta delusa\t-1\n"
      "da evitare assolutamente\t-2.5\n"
      "gentile\t2\n");
  CHECK(matches(clf, "da evitare") == V{"da evitare:-3.00"});
  CHECK(matches(clf, "da evitare assolutamente") == V{"da evitare assolutamente:-2.50"});
  CHECK(matches(clf, "da non perdere") == V{"da non perdere:3.00"});
  CHECK(matches(clf, "da non credere") == V{"da non:-0.50"});
  CHECK(matches(clf, "da rifare") == V{"da rifare:-2.00"});
  CHECK(matches(clf, "tutto da rifare, gentile") == V{"da rifare:-2.00", "gentile:2.00"});
  CHECK(matches(clf, "resta delusa") == V{"resto deluso:-2.00"});  // the same stems: the first entry
  CHECK(matches(clf, "da, evitare").empty());                      // a phrase does not cross punctuation
  CHECK(matches(clf, "da").empty());
  CHECK(matches(clf, "da gentile") == V{"gentile:2.00"});
}

TEST_CASE("explanation spans slice the original text") {
  const auto clf = fitted_lexicon_only();
  const std::string text = "Beh, NON è stato gentile: mi fa schifo!";
  const auto e = clf.explain(text);
  REQUIRE(e.lexicon.size() == 2);
  const auto [s0, t0] = e.lexicon[0].spans[0];
  const auto [s1, t1] = e.lexicon[1].spans[0];
  CHECK(text.substr(s0, t0 - s0) == "gentile");
  CHECK(text.substr(s1, t1 - s1) == "fa schifo");
}

TEST_CASE("the lexicon features are the logs of the positive and negative sums and their companions") {
  const auto clf = fitted_lexicon_only();
  std::vector<std::string_view> texts{"gentile ma lento?", ""};
  const auto F = clf.lexicon_features(texts);
  REQUIRE(F.cols() == perche::SentimentClassifier::kLexiconFeatures);
  // One name a column, in the columns' order (a tenth name, of a feature since removed, was left
  // over: the exclamation column was named log1p_words).
  const auto names = perche::SentimentClassifier::lexicon_feature_names();
  REQUIRE(names.size() == perche::SentimentClassifier::kLexiconFeatures);
  CHECK(names[6] == "log1p_matches");
  CHECK(names[7] == "exclamation");
  CHECK(names[8] == "question");
  const double P = 1.2, N = 1.95;
  CHECK(F(0, 0) == doctest::Approx(std::log1p(P)));
  CHECK(F(0, 1) == doctest::Approx(std::log1p(N)));
  CHECK(F(0, 2) == doctest::Approx(std::log1p(P)));
  CHECK(F(0, 5) == doctest::Approx((P - N) / (P + N + 1)));
  CHECK(F(0, 6) == doctest::Approx(std::log1p(2.0)));
  CHECK(F(0, 7) == 0.0);
  CHECK(F(0, 8) == 1.0);
  for (std::size_t f = 0; f < F.cols(); ++f) CHECK(F(1, f) == 0.0);
}

TEST_CASE("a fitted sentiment model gives four probabilities in class order that sum to one") {
  perche::SentimentOptions o;
  o.features.min_df = {1, false};
  perche::SentimentClassifier clf(o, perche::SentimentLexicon::parse(kLexicon));
  std::vector<std::string_view> texts;
  std::vector<std::string> labels;
  for (int i = 0; i < 10; ++i) {
    texts.insert(texts.end(), {"operatore gentile, tutto risolto", "servizio pessimo, fa schifo", "ho chiamato ieri",
                               "gentile ma lento"});
    labels.insert(labels.end(), {"positive", "negative", "neutral", "mixed"});
  }
  clf.fit(texts, labels);
  CHECK(perche::SentimentClassifier::classes() == V{"mixed", "negative", "neutral", "positive"});
  std::vector<std::string_view> probe{"molto gentile", "pessimo", "ho chiamato", "gentile ma lento"};
  CHECK(clf.predict(probe) == V{"positive", "negative", "neutral", "mixed"});
  const auto P = clf.predict_proba(probe);
  for (std::size_t i = 0; i < P.rows(); ++i) {
    double sum = 0;
    for (double p : P.row(i)) sum += p;
    CHECK(sum == doctest::Approx(1.0));
    const auto one = clf.predict_proba(probe[i]);
    for (std::size_t k = 0; k < 4; ++k) CHECK(one[k] == P(i, k));
  }
  // Word features explain in words, signed toward positive.
  const auto e = clf.explain("servizio pessimo");
  CHECK(e.label == "negative");
  REQUIRE(!e.words.empty());
  CHECK(e.words.front().weight < 0);

  // The file format round-trips exactly; a flipped byte is a FormatError naming the model.
  const std::string bytes = clf.to_bytes();
  const auto back = perche::SentimentClassifier::from_bytes(bytes);
  CHECK(back.predict_proba(probe).values().size() == 16);
  for (std::size_t k = 0; k < 16; ++k) CHECK(back.predict_proba(probe).values()[k] == P.values()[k]);
  CHECK(back.to_bytes() == bytes);
  std::string bad = bytes;
  bad[bad.size() / 2] ^= 0x20;
  CHECK_THROWS_AS(perche::SentimentClassifier::from_bytes(bad), perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::SentimentClassifier::from_bytes("PERCHEDC"),
                       doctest::Contains("SentimentClassifier model: not a perche model"), perche::FormatError);
  CHECK_THROWS_AS(perche::SentimentClassifier::from_bytes(bytes.substr(0, bytes.size() - 5)), perche::FormatError);
}

TEST_CASE("a class missing from the training labels gets probability zero") {
  auto clf = lexicon_only();
  std::vector<std::string_view> texts{"gentile", "ottimo", "pessimo", "fa schifo"};
  std::vector<std::string> labels{"positive", "positive", "negative", "negative"};
  clf.fit(texts, labels);
  const auto p = clf.predict_proba(std::string_view("gentile ma lento"));
  CHECK(p[0] == 0.0);  // mixed
  CHECK(p[2] == 0.0);  // neutral
  CHECK(p[1] + p[3] == doctest::Approx(1.0));
  CHECK(clf.predict(std::string_view("molto gentile")) == "positive");
  CHECK(perche::SentimentClassifier::from_bytes(clf.to_bytes()).predict_proba(std::string_view("gentile")) ==
        clf.predict_proba(std::string_view("gentile")));
}

TEST_CASE("bad training labels are named by index and value") {
  auto clf = lexicon_only();
  std::vector<std::string_view> texts{"a", "b"};
  CHECK_THROWS_WITH_AS(
      clf.fit(texts, std::vector<std::string>{"positive", "Positive"}),
      "SentimentClassifier.fit: label 1 is 'Positive', expected one of mixed, negative, neutral, positive",
      std::invalid_argument);
  CHECK_THROWS_WITH_AS(clf.fit(texts, std::vector<std::string>{"positive"}),
                       "SentimentClassifier.fit: 2 texts but 1 labels", std::invalid_argument);
  CHECK_THROWS_AS(clf.fit(texts, std::vector<std::string>{"positive", "positive"}), std::invalid_argument);
  CHECK_THROWS_AS(clf.predict(std::string_view("x")), std::logic_error);
}

TEST_CASE("scoring stays linear on a long comment and clean on invalid UTF-8") {
  const auto clf = fitted_lexicon_only();
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "non gentile ma lento, ";
  std::vector<std::string_view> one{text};
  const auto F = clf.lexicon_features(one);
  CHECK(F(0, 6) == doctest::Approx(std::log1p(40000.0)));
  const std::string invalid = "gentile \xC3\x28 \xFF pessimo";
  CHECK(clf.explain(invalid).lexicon.size() == 2);
}

TEST_CASE("the shipped default model needs no training data and reads obvious comments right") {
  const auto clf = perche::SentimentClassifier::default_model();
  CHECK(clf.fitted());
  CHECK(!clf.options().words);
  CHECK(clf.lexicon().size() > 1000);
  std::vector<std::string_view> texts{"Operatore gentilissimo, problema risolto subito. Grazie!",
                                      "Servizio pessimo, non mi hanno mai richiamato. Vergogna!",
                                      "Ho chiamato per cambiare il piano tariffario.",
                                      "L'operatore è stato gentile ma il problema non è stato risolto.",
                                      // "discreto" matched nothing while "discretamente" was a downtoner
                                      "Discreto hotel.", "Consegnato!"};
  CHECK(clf.predict(texts) == V{"positive", "negative", "neutral", "mixed", "positive", "neutral"});
  // Deterministic: the same bytes every time.
  CHECK(perche::SentimentClassifier::default_model().to_bytes() == clf.to_bytes());
}

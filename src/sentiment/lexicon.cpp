// SPDX-License-Identifier: Apache-2.0
// SentimentLexicon (the text format) and the rules that read a comment through it.
//
// The rules are the usual ones of lexicon-based sentiment analysis (Taboada et al. 2011, "Lexicon-
// Based Methods for Sentiment Analysis", Computational Linguistics 37(2): SO-CAL's negation shift,
// intensifier multipliers and "but" weighting; Hutto & Gilbert 2014, "VADER", ICWSM: capitals,
// elongation and exclamation boosts), written here for Italian:
//   - negation: non, mai, niente, nulla, nessuno/a, nessun, né, senza, nemmeno, neanche, neppure
//     open a scope over the next kNegationScope words, closed by punctuation, a contrast word or a
//     word that starts another clause (e, che, perché, quindi, se, quando, ...);
//     Italian negative concord ("non ho avuto nessun problema") makes a negator inside an open
//     scope extend it, not undo it. "non solo" is not a negation. In scope a positive word turns
//     negative (× −0.8: "non gentile") and a negative one weakly positive (× −0.6: "non male",
//     "senza problemi"), the asymmetry SO-CAL measured for negated negatives;
//   - "poco" before a word works as a weak negation ("poco pulito"); intensifiers (molto, davvero,
//     troppo, ...) multiply the next polar word within two words by 1.5, downtoners (un po',
//     abbastanza, ...) by 0.6; "troppo" with no polar word after it counts −1 by itself ("troppo
//     caro" is in the lexicon, "troppo lunga" is not);
//   - contrast (ma, però, tuttavia, invece, eppure, comunque): within a sentence the clauses before
//     the last contrast word weigh 0.6, those after a contrast word 1.3;
//   - a word in capitals (3+ letters) weighs 1.2, an elongated word (3+ equal letters) 1.3, a
//     sentence closed by "!" 1.1 and by "!!" or more 1.2; superlatives in -issimo/-a/-i/-e are
//     found from their base (comodissima → comodo) and weigh 1.5;
//   - emoticons by their mouth (":-)))", ":'D", "xD", "^^", "*-*" positive; ":(", ":'(", ":/"
//     negative; more mouths, stronger), emoji and runs of one emoji through the lexicon;
//   - "!" and "?" are features only beside a lexicon match (VADER's use: they amplify);
//   - a negation that holds "mai" or "potrei" before a degree word (più, così, tanto) is the
//     negated comparison, a superlative ("mai visto un servizio così lento"): × 1.5, not turned
//     ("più" right after "potrei" is "no longer": "non potrei più consigliarlo" stays negated);
//     "troppo" right after a positive word intensifies it ("mi piace troppo"); "meno" acts as
//     "poco"; an intensifier or downtoner after an idiom's first word modifies the idiom ("lascia
//     davvero a desiderare");
//   - a conditional or past modal (potrebbe, avrebbero, dovrebbe, sarebbe, poteva, doveva) turns
//     the first positive word of its clause as a negation does ("poteva essere più gentile",
//     "avrebbero potuto fare meglio": what could have been is what was missing); "potrebbe" only a
//     comparison ("potrebbe essere utile" is a guess); inside a negation it is the negated
//     comparison ("non poteva andare meglio": × 1.5); "magari" before an imperfect subjunctive is
//     such a wish ("magari funzionasse"); a modal after "come" or before "così" compares with what
//     the customer has ("come dovrebbe essere", "magari fossero tutti così gentili": praise), and
//     its scope ends at its clause's first polar word; no negation or modal reaches a hashtag
//     ("non rispondono #vergogna"), whose scope goes on past it;
//     a negative word after a possessive is the negated verb's object ("non hanno capito il mio
//     problema"), not turned;
//   - ratings written with digits: "8/10", "4,5/5", "voto 7", "2 su 10" closing its clause,
//     "5 stelle" (not after another word: "un 4 stelle" is a hotel's class, "il 3/10" a date), by
//     their share of the scale: >= 0.8 +2, > 0.6 +1, <= 0.2 -2, <= 0.4 -1.5, else nothing.
#include <perche/error.hpp>
#include <perche/sentiment.hpp>

#include <algorithm>
#include <cstdio>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>

#include "../common/thread_scratch.hpp"
#include "../io/file.hpp"
#include "../text/segment.hpp"
#include "../text/term_reader.hpp"
#include "../text/unicode.hpp"
#include "scorer.hpp"

namespace perche {
namespace {

constexpr int kNegationScope = 5;  // words after a negator, unless a clause ends first
constexpr int kModifierReach = 2;  // words an intensifier, downtoner or "poco" reaches
constexpr double kNegatePositive = -0.8, kNegateNegative = -0.6, kPoco = -0.7, kPocoNegative = -0.5;
constexpr double kIntensify = 1.5, kDowntone = 0.6, kTroppoAlone = -1.0;
constexpr double kBeforeContrast = 0.6, kAfterContrast = 1.3;
constexpr std::size_t kNoHit = static_cast<std::size_t>(-1);
constexpr double kCaps = 1.2, kElongated = 1.3, kExclaim = 1.1, kExclaimRun = 1.2, kSuperlative = 1.5;
// A weak positive (at most kWeakPositive: arrivato, risposto, sufficiente, semplice, grande) in a
// complaining sentence is part of the complaint, not praise (end_sentence). And a verb's negation
// of a minimum or an expected event (kMinimums) says what had to be was not: a complaint of at
// least kMissedMinimum ("non è sufficiente", "non è arrivato", "la camera non era pronta"; turned
// as any positive they weighed -0.4 and read neutral). Not every weak positive is a minimum: "non
// ci sono state sorprese", "la camera non era grande ma pulitissima".
constexpr double kWeakPositive = 0.5, kMissedMinimum = -1.0;
constexpr std::string_view kMinimums[] = {"sufficiente", "accettabile", "decente",    "pronto",     "giusto",
                                          "arrivato",    "risposto",    "rispondere", "rimborsato", "restituito",
                                          "riattivato",  "garantito",   "presentato", "ricevuto"};

// A change asked for says that what should change is not as it should be: a complaint of
// kSuggestion. Italian says what has to be done with "andare" and a past participle ("la camera va
// rinnovata": deve essere rinnovata, the passive of necessity), with "da" and an infinitive of
// necessity ("camere da sistemare", "tutto da rifare"), and the customer's advice with a first-person conditional
// ("cambierei i materassi") or a verb of advice ("consiglio di rivedere i prezzi"); "avrei preferito", "avrei voluto"
// wish for what was not. Only verbs of change or repair count: "va detto", "da vedere", "consiglio di visitare" ask for
// nothing, and "rifare" is left to the lexicon ("lo rifarei", "esperienza da rifare" are praise). Under a negation the
// request is turned: "non cambierei nulla", "niente da migliorare" are praise.
constexpr double kSuggestion = -1.0;
constexpr std::string_view kChangeVerbs[] = {
    "migliorare",   "rinnovare",  "ristrutturare", "sistemare",     "rivedere",      "rivisto",       "rivedrei",
    "sostituire",   "cambiare",   "aggiornare",    "riparare",      "rimodernare",   "ammodernare",   "riammodernare",
    "svecchiare",   "potenziare", "ampliare",      "insonorizzare", "rinfrescare",   "ritinteggiare", "imbiancare",
    "pulire",       "curare",     "controllare",   "ripensare",     "riorganizzare", "aggiungere",    "aggiunto",
    "togliere",     "tolto",      "eliminare",     "aumentare",     "velocizzare",   "semplificare",  "snellire",
    "ottimizzare",  "correggere", "corretto",      "risolvere",     "risolto",       "sanificare",    "igienizzare",
    "modernizzare", "aggiustare"};
// What has to be done, as written: "va" and "vanno" (andare), their conditionals and futures,
// dovere's third persons (not "devo", "dobbiamo": the customer's own errand), "bisogna",
// "occorre" and the conditionals of bisognare, occorrere and servire.
constexpr std::string_view kDeonticWords[] = {"va",           "vanno",    "andrebbe",     "andrebbero", "andava",
                                              "andavano",     "andrà",    "andranno",     "deve",       "devono",
                                              "dovrà",        "dovranno", "dovrebbe",     "dovrebbero", "bisogna",
                                              "bisognerebbe", "occorre",  "occorrerebbe", "servirebbe", "servirebbero"};
constexpr std::string_view kAdviseWords[] = {"consiglierei", "consiglieremmo", "consiglio",  "consigliamo",
                                             "suggerirei",   "suggeriremmo",   "suggerisco", "suggeriamo",
                                             "proporrei",    "propongo"};
constexpr std::string_view kWouldHaveWords[] = {"avrei", "avremmo"};
// After "avrei": the wishes, as written ("avrei preferito una camera più grande").
constexpr std::string_view kWished[] = {"preferito", "preferita", "preferiti",  "preferite", "voluto",
                                        "gradito",   "gradita",   "apprezzato", "apprezzata"};
// Words a request may hold between its verb and the change, as written: "va assolutamente
// rinnovata", "andrebbe un po' rivista", "deve essere sistemato", "da rivedere".
constexpr std::string_view kRequestFill[] = {
    "essere",        "stato",       "stata",        "stati",      "state",
    "assolutamente", "decisamente", "sicuramente",  "certamente", "leggermente",
    "completamente", "totalmente",  "urgentemente", "proprio",    "davvero",
    "veramente",     "un",          "po'",          "po",         "pò",
    "ancora",        "subito",      "almeno",       "anche"};
// What was due and did not come is a complaint of kSuggestion as well: "il tecnico doveva venire
// martedì", "dovevano richiamarmi" (a past of dovere before an expected event or a change), "ho
// dovuto chiamare tre volte" (the effort the customer had to make: an auxiliary, "dovuto" and an
// infinitive; "non ho dovuto fare nulla" is turned), "senza linea da 8 giorni" ("da" and a count
// of hours, days, weeks or months: the lexicon has "da mesi"; "cliente da 10 anni" is no wait).
constexpr std::string_view kExpectedVerbs[] = {
    "arrivare",   "venire",      "venuto",      "passare",     "chiamare",   "richiamare", "ricontattare", "contattare",
    "consegnare", "rispondere",  "risposto",    "intervenire", "attivare",   "riattivare", "rimborsare",   "restituire",
    "mandare",    "inviare",     "spedire",     "partire",     "funzionare", "avvisare",   "tornare",      "uscire",
    "uscito",     "accreditare", "accreditato", "evadere",     "evaso",      "evasa"};
constexpr std::string_view kShouldHave[] = {"doveva", "dovevano", "dovevate", "dovevi"};
constexpr std::string_view kHadTo[] = {"dovuto", "dovuta", "dovuti", "dovute"};
constexpr std::string_view kAuxiliaries[] = {"ho", "hai", "ha", "abbiamo", "avete", "hanno", "sono", "siamo", "siete"};
constexpr std::string_view kCounts[] = {"un",       "una",       "due",   "tre",   "quattro", "cinque", "sei",
                                        "sette",    "otto",      "nove",  "dieci", "venti",   "trenta", "qualche",
                                        "parecchi", "parecchie", "molti", "molte", "tanti",   "tante"};
constexpr std::string_view kWaitUnits[] = {"ora", "ore", "giorno", "giorni", "settimana", "settimane", "mese", "mesi"};
constexpr std::string_view kDi[] = {"di"};
constexpr std::string_view kDa[] = {"da"};
constexpr std::string_view kChe[] = {"che"};
constexpr std::string_view kWhen[] = {"quando"};
constexpr std::string_view kBeen[] = {"stato", "stata", "stati", "state"};
constexpr std::string_view kArticles[] = {"il",  "un",   "uno",    "lo",  "del", "dello", "al",     "dal",  "nel",
                                          "sul", "quel", "questo", "mio", "tuo", "suo",   "vostro", "loro", "ogni"};
// After "avrei voluto": staying longer is praise ("avrei voluto restare di più").
constexpr std::string_view kStayLonger[] = {"restare",  "rimanere", "tornare",  "stare",
                                            "fermarmi", "fermarci", "restarci", "rimanerci"};
// What the customer had to do, after an auxiliary and "dovuto": "ho dovuto chiamare tre volte".
constexpr std::string_view kEffortVerbs[] = {
    "chiamare",   "richiamare",   "telefonare", "ritelefonare", "aspettare",   "attendere",    "pagare",
    "ripetere",   "spiegare",     "rispiegare", "insistere",    "sollecitare", "scrivere",     "riscrivere",
    "reinviare",  "ricominciare", "rifare",     "cambiare",     "contattare",  "ricontattare", "chiedere",
    "richiedere", "reclamare",    "litigare",   "arrangiarmi",  "annullare",   "disdire",      "rinunciare",
    "comprare",   "ricomprare",   "sostituire", "riparare",     "andare",      "tornare"};
constexpr std::string_view kUn[] = {"un"};
constexpr std::string_view kNon[] = {"non"};
// After "non": what would not hurt is what is missing ("una tenda per la doccia non guasterebbe";
// guastare has guasto's stem, and the negation turned it into praise).
constexpr std::string_view kWouldNotHurt[] = {"guasterebbe", "guasterebbero", "dispiacerebbe", "dispiacerebbero"};
constexpr std::string_view kNothingAsked[] = {"aggiungere"};
// "datato" (outdated) has the stem of dato and data: matched as written.
constexpr std::string_view kDatedForms[] = {"datato", "datata", "datati", "datate"};
constexpr double kDatedPolarity = -1.0;

// A repair ends the fault it names: "problema della carta bloccata risolto subito", "ha corretto
// l'errore", "mi hanno sostituito il pezzo difettoso" are praise, not a complaint beside praise
// (they read mixed). The nearest fault (a negative entry with a word of kFaults by stem, and none
// of kRecurrence: "sempre lo stesso problema" is no fault that ended) within kRepairReach tokens of
// a repair (kRepairs, as written: participles and presents, not "per risolvere il problema ho
// chiamato tre volte") in its segment (no comma, clause word or contrast word between them)
// counts for nothing; a repair with no entry of its own that ended a fault counts kRepaired. A
// repair ends nothing when negated ("il problema non è stato risolto", "nn e stato risolto",
// "risolto un bel niente"), hoped for ("se risolvono il problema", "speravo fosse risolto"), partial
// ("risolto in parte"), done by itself ("si è risolto da solo"), or in a segment that says the
// fault is still there ("sostituito il modem il problema rimane"). "corretto" is a repair after an
// auxiliary, a clitic or a fault only ("prezzo corretto" is fair). Found by two reviews of stop 46,
// each tested.
constexpr std::string_view kFaults[] = {
    "problema",    "problemi",  "problematica",     "errore",      "errori",        "guasto",   "guasti",
    "difetto",     "difettoso", "malfunzionamento", "disguido",    "inconveniente", "anomalia", "intoppo",
    "disservizio", "bug",       "bloccata",         "bloccato",    "rotto",         "rotta",    "sbagliato",
    "sbagliata",   "errato",    "errata",           "danneggiato", "rottura"};
constexpr std::string_view kRecurrence[] = {"sempre", "solito", "stesso", "stessa", "ancora", "nuovo", "continua"};
constexpr std::string_view kRepairs[] = {
    "risolto",      "risolta",      "risolti",    "risolte",    "risolve",    "risolvono",  "corretto",  "corretta",
    "corretti",     "corrette",     "sistemato",  "sistemata",  "sistemati",  "sistemate",  "riparato",  "riparata",
    "riparati",     "riparate",     "sostituito", "sostituita", "sostituiti", "sostituite", "sbloccato", "sbloccata",
    "ripristinato", "ripristinata", "rimediato",  "aggiustato", "aggiustata", "risistemato"};
constexpr std::string_view kCorrected[] = {"corretto", "corretta", "corretti", "corrette"};
// Before "corretto" as a repair: an auxiliary or a clitic ("hanno corretto", "è stato corretto").
constexpr std::string_view kBeforeCorrected[] = {"ho",    "hai",   "ha",    "abbiamo", "avete", "hanno", "stato",
                                                 "stata", "stati", "state", "è",       "l",     "lo",    "la",
                                                 "li",    "le",    "mi",    "ci",      "gli",   "subito"};
constexpr std::string_view kNotRepaired[] = {"non", "nn", "mai"};  // up to 4 tokens before
constexpr std::string_view kOnlyWords[] = {"solo", "soltanto"};    // "non solo hanno risolto" is no negation
// Up to 3 after: "risolto un bel niente", "riparato male".
constexpr std::string_view kNothingRepaired[] = {"niente", "nulla", "zero", "male", "malissimo"};
// Not "quando": "quando ho chiamato il problema è stato risolto" tells what happened.
constexpr std::string_view kHoped[] = {"se",       "qualora", "speravo", "speriamo", "spero",
                                       "sperando", "fosse",   "fossero", "sia",      "siano"};
constexpr std::string_view kPartly[] = {"parzialmente", "parte"};  // "parzialmente risolto", "risolto in parte"
constexpr std::string_view kAlone[] = {"solo", "sola"};            // after "da": "si è risolto da solo"
// Verbs only: "ancora una volta hanno risolto", "grazie di nuovo" are no fault still there.
constexpr std::string_view kStaying[] = {"resta",      "restano",      "rimane",       "rimangono",
                                         "persiste",   "persistono",   "continua",     "continuano",
                                         "ripresenta", "ripresentano", "ripresentato", "ricomparso"};
// What a thing was, said to tell what it is now: "prima funzionava benissimo, adesso è
// inutilizzabile", "un tempo era il mio ristorante preferito, ora la qualità è crollata", "prima
// era lentissima, ora è velocissima". From a past marker (kThen: "prima", "una volta", "un tempo",
// "all'inizio", "inizialmente" right before a verb in the imperfect) to "ora", "adesso", "oggi",
// "ormai", "poi" or "invece" (kNow) in the same sentence, the words describe the past: they count
// for nothing, and the present after them weighs as after a contrast; a present that matches
// nothing is the past's opposite (kImpliedContrast: "prima era veloce, ora ci mette ore"), unless
// it says "more of it" ("ora lo è ancora di più"). An idiom that starts at the marker says the
// change itself and stays ("prima funzionava", "prima era meglio"); "ora anche" goes on. Without
// a kNow word the past stays as said ("prima colazione ottima", "la prima volta era tutto
// perfetto").
constexpr std::string_view kThen[] = {"prima", "volta", "tempo", "inizio", "inizialmente"};
constexpr std::string_view kOnce[] = {"una", "un", "all"};  // before "volta", "tempo", "inizio"
constexpr std::string_view kFirst[] = {"prima"};
constexpr std::string_view kAtFirst[] = {"inizialmente"};
constexpr std::string_view kNow[] = {"ora", "adesso", "oggi", "ormai", "invece", "poi"};
constexpr std::string_view kImperfect[] = {"ava",   "avi",   "avamo", "avate", "avano", "eva",   "evi",  "evamo",
                                           "evate", "evano", "iva",   "ivi",   "ivamo", "ivate", "ivano"};
constexpr std::string_view kWas[] = {"era", "erano", "eri", "eravate", "eravamo", "ero", "c"};
constexpr std::size_t kRepairReach = 10;
// Between the words of one fault: "problema della carta bloccata", "errore nella fattura".
constexpr std::string_view kOf[] = {"di",  "del", "della", "dello", "dei",   "degli", "delle", "dell", "d",
                                    "con", "col", "alla",  "al",    "nella", "nel",   "sulla", "sul",  "in"};
constexpr double kRepaired = 1.0;
// An errand the customer did again and again is a complaint of -1.5: "ho chiamato 5 volte", "ho
// spiegato il problema quattro volte", "devi scrivere operatore 6 volte" (a verb of kErrands by
// stem after an auxiliary of the customer's, then a count of at least 2 and "volte" within
// kRepeatReach words of its segment). Not the other efforts: "ho cambiato il biglietto 3 volte
// senza penali", "ci sono tornato tre volte", "ho inviato pacchi con loro 5 volte" tell of a
// service used. Stop 47: such complaints read neutral.
constexpr double kRepeatedEffort = -1.5;
// An expected event (kExpectedVerbs) with no entry of its own, negated with "ancora" or "mai": "not yet"
// (Stop 47: "il rimborso non è ancora stato accreditato" read neutral). Its polarity before the
// negation, which turns it to kMissedMinimum.
constexpr double kNotYet = 1.0;
// Not time passing ("non è ancora passata una settimana e il pacco è già arrivato"), nor the
// customer's own action ("non ho ancora chiamato", "non sono ancora tornato": kOwnAction between
// the negator and the verb). "mai" counts as "ancora" does ("non è mai stato accreditato").
constexpr std::string_view kTimePassed[] = {"passato", "passata", "passati", "passate", "passa", "passano"};
constexpr std::string_view kOwnAction[] = {"ho", "abbiamo", "sono", "siamo"};
// A contrast after praise whose clause says nothing the lexicon knows is still a reservation:
// "il prodotto è bello ma la consegna ci ha messo due settimane", "frigorifero silenzioso, ma il
// freezer forma ghiaccio": "ma", "però", "invece"... (kReservations) right after a positive match,
// with no match after it before the next contrast or the sentence's end, counts
// -kImpliedContrast (× the after-contrast weight); reservation() says when. Not after a
// complaint: what follows it is as often an excuse ("ma non è colpa della struttura", "ma per una
// notta è ok") as praise, and ABSITA's annotators read those sentences negative (an implied
// praise there took its score from 0.8498 to 0.8490). Stop 47: praise with a
// plain-worded reservation read positive.
constexpr double kImpliedContrast = 1.0;
constexpr std::string_view kAlso[] = {"anche", "pure"};
constexpr std::string_view kMa[] = {"ma"};
constexpr std::string_view kInstead[] = {"invece"};
constexpr std::string_view kThanks = "grazie";
// The contrast words that announce a reservation; not "comunque" ("grazie, comunque sempre in
// contatto": anyway).
constexpr std::string_view kReservations[] = {"ma", "però", "pero", "tuttavia", "eppure", "invece"};
constexpr std::size_t kRepeatReach = 5;
constexpr std::string_view kTimes[] = {"volte"};
constexpr std::string_view kErrandDenied[] = {"non", "nn", "senza", "mai"};
// "cosa", "cose" have così's stem, an intensifier's: "la cosa più bella", "ho spiegato la cosa".
constexpr std::string_view kThings[] = {"cosa", "cose"};
constexpr std::string_view kErrands[] = {
    "chiamare",  "richiamare", "telefonare", "ritelefonare", "sollecitare",  "scrivere", "riscrivere",
    "spiegare",  "rispiegare", "ripetere",   "contattare",   "ricontattare", "chiedere", "richiedere",
    "reclamare", "insistere",  "segnalare",  "chiesto",      "richiesto",    "scritto",  "riscritto"};
// The customer's own errand: its verb right after one of these ("ho chiamato", "abbiamo
// scritto", "ho dovuto spiegare", "devi scrivere"); "mi hanno contattato due volte" is the
// company's care (a review of stop 47).
constexpr std::string_view kOwnErrand[] = {"ho",     "abbiamo", "devo",    "dobbiamo", "devi",   "dovuto",
                                           "dovuta", "tocca",   "toccato", "bisogna",  "dovete", "dovrei"};
constexpr std::string_view kCountWords[] = {
    "due",   "tre",   "quattro", "cinque",  "sei",   "sette", "otto",  "nove",      "dieci",        "venti",
    "cento", "mille", "più",     "diverse", "varie", "tante", "molte", "parecchie", "innumerevoli", "n"};

// Irony: praise said as a verdict (kVerdicts) beside a complaint is meant the other way (SENTIPOLC
// 2016 annotates such tweets by what they mean: Barbieri et al. 2016, §3). It is turned, as a
// negation turns praise, when its clause (sentence and contrast) holds an ironic emoji (🙃 🙄 😒 🤡
// 😑) or applause and a complaint ("ennesimo treno cancellato, grazie di tutto 🙃", "ora non
// funziona niente 👏"); when "eh" follows it after a complaint of at least kMissedMinimum in its
// clause, or "beh" comes before it in a clause with one ("mancava metà ordine, bravi eh", "ah beh,
// servizio eccellente, tre ore di ritardo"); and when a verdict on what the company did
// (kAddressedVerdicts) closes the comment without "!", alone in its sentence, right after a
// sentence that only complained ("Ogni aggiornamento peggiora qualcosa. Complimenti."). Without a
// complaint it is praise ("bravissimi 👏", "Complimenti!"). Thanks for a complaint are not turned:
// "grazie per il ritardo" is irony, "grazie per la pazienza", "grazie per la preoccupazione"
// (SENTIPOLC) are not, and the words do not tell them apart.
constexpr std::string_view kVerdicts[] = {"complimenti",
                                          "grazie",
                                          "grazie mille",
                                          "grazie tante",
                                          "bravo",
                                          "geniale",
                                          "bello",
                                          "eccellente",
                                          "ottimo",
                                          "fantastico",
                                          "perfetto",
                                          "magnifico",
                                          "splendido",
                                          "meraviglioso",
                                          "stupendo",
                                          "top",
                                          "sempre sul pezzo",
                                          "grazie di tutto",
                                          "grazie infinitamente",
                                          "ancora grazie",
                                          "da applausi"};
// The verdicts on what the company did, which alone close a complaint ironically ("Pacco lasciato
// sotto la pioggia. Geniale."); a quality ("Piccante da morire. Ottimo!") closes none.
constexpr std::string_view kAddressedVerdicts[] = {"complimenti", "bravo", "geniale", "sempre sul pezzo", "👏"};
constexpr std::string_view kIronicEmojis[] = {"🙃", "🙄", "😒", "🤡", "😑"};  // not 🤦: self-blame too
constexpr std::string_view kClaps[] = {"👏"};
// What befell the customer, told as the occasion of a service: "Ho avuto un incidente e il
// consulente mi ha seguito con grande umanità, lo ringrazio", "Dopo l'allagamento della cantina
// hanno mandato subito una ditta. Servizio eccellente." In a comment whose complaints are all of these,
// with no contrast word and praise last, they count kMisfortuneTold of their weight: the
// customer praises how it was put right. Not the faults of what was sold (kFaults: "bagno rotto,
// personale gentile" is mixed), nor what the company lost or cancelled ("mi avete smarrito il
// pacco", "il mio volo cancellato, bravissimi!"), a theft in its rooms ("furto in camera"), "perso",
// "perdita", which are as often a missed chance ("ha perso una buona occasione": SENTIPOLC read it
// praise); and the praise last is more than thanks ("incidente con l'auto a noleggio, franchigia
// da 800 euro. Grazie Hertz.": a review of stop 47).
// Stop 47: such stories read mixed.
constexpr std::string_view kMisfortunes[] = {"incidente", "rubato", "allagato"};
// A story told from its start: a comment that opens with avere's imperfect ("avevo", "mi
// avevano") tells in its first clause (up to a punctuation mark or an emoji, at most
// kBackstoryWords words) what went wrong before the service it goes on to judge; when a later
// word says it was put right (kPutRight) the clause's complaints count as misfortunes ("avevo un
// problema col badge, risolto in 2 minuti alla reception"; "Mi avevano addebitato due volte la
// spesa, alla cassa centrale hanno stornato subito. Gentilissimi"). Not without the repair (a
// review of stop 48): "Mi avevano smarrito la valigia, bravissimi!" is irony, "Avevo il bagno
// rotto, personale gentilissimo" and "Avevo grandi aspettative e sono rimasto deluso, solo la
// vista è stupenda" are mixed; nor with a contrast or another complaint.
constexpr std::string_view kBackstory[] = {"avevo", "avevamo", "aveva", "avevate", "avevano"};
constexpr std::string_view kBackstoryAux[] = {"ho", "abbiamo"};  // "ho avuto un problema"
constexpr std::string_view kHad[] = {"avuto"};
constexpr std::string_view kGreetings[] = {"buongiorno", "buonasera", "salve", "ciao"};
constexpr std::string_view kBackstoryClitics[] = {"mi", "ci", "gli", "le", "ti", "vi"};
constexpr std::size_t kBackstoryWords = 20;
constexpr std::string_view kPutRight[] = {
    "risolto",    "risolta",    "risolti",    "risolte",    "corretto",     "corretta",     "sistemato",
    "sistemata",  "sistemati",  "sistemate",  "riparato",   "riparata",     "riparati",     "sostituito",
    "sostituita", "sostituiti", "sbloccato",  "sbloccata",  "ripristinato", "ripristinata", "rimediato",
    "aggiustato", "aggiustata", "stornato",   "stornata",   "stornati",     "rimborsato",   "rimborsata",
    "rimborsati", "cambiato",   "cambiata",   "cambiati",   "recuperato",   "recuperata",   "recuperati",
    "ritrovato",  "ritrovata",  "restituito", "restituita", "rispedito",    "rispedita",    "rimborso"};
constexpr double kMisfortuneTold = 0.25;
constexpr double kIndignantQuestion = -2.0;  // a question opened by "ma" or closed by "??" that matched nothing
constexpr std::string_view kMeno[] = {"meno"};
constexpr std::string_view kDefinite[] = {"il", "lo", "la", "i", "gli", "le", "l", "l'"};
constexpr double kLessSo = -1.0;  // "il personale un po' meno": the praise before it, less so
// Words of a question that asks for information, which no "ma" or "??" makes a complaint: "Ma è
// possibile pagare con Satispay?", "ma i saldi qnd iniziano?", "Come faccio a scaricare la
// fattura dall'app??", "Ma fate anche consegne a domicilio?" (a review of stop 48).
constexpr std::string_view kEnquiry[] = {"possibile",   "posso",        "possiamo", "quando", "qnd",   "qnt",
                                         "faccio",      "vorrei",       "sapere",   "orario", "orari", "consigli",
                                         "consigliate", "informazioni", "info",     "anche"};
constexpr double kPraise = 1.5;  // the praise that closes a misfortune put right, at least
// The reason a customer contacted the company is what the contact was for, not a complaint about
// it: "ho chiamato il numero verde per un problema col modem, l'operatore è preparatissimo", "ho
// telefonato perché internet non andava e mi hanno guidato passo passo" (a contact verb, kContactVerbs
// by stem, then "per" or "perché" within kContactReach words of its segment: in the kReasonReach
// words after it, a fault (kFaults), a negated event or an idiom with "non" counts for nothing).
// Not what the customer feels ("vi scrivo perché sono deluso"), and what happened next says how
// it went ("ho chiamato per un guasto e nessuno è venuto"). Stop 47: on the sample survey such
// comments read mixed (praise of the call and the problem it was for).
constexpr std::string_view kContactVerbs[] = {"chiamare",   "chiamato", "telefonare", "telefonato", "contattare",
                                              "contattato", "scrivere", "scritto",    "rivolto",    "rivolta"};
constexpr std::string_view kReasons[] = {"per", "perché", "perchè", "perche", "xché", "xke", "xké"};
constexpr std::size_t kContactReach = 4;
constexpr int kReasonReach = 8;
constexpr std::string_view kNotPrefix = "non ";
// "bello" right before a complaint is its "fine", not praise: "un bel disastro", "una bella
// fregatura", "bell'inganno", "un bel problema" (bello as an intensifier before a noun). The
// praise counts for nothing and the complaint is intensified. Stop 47: they read mixed.
constexpr std::string_view kFineWords[] = {"bello", "bel"};
// Its forms before a noun: "bel", "bell'" (as written, the apostrophe dropped), or any form after
// an article or "che" ("una bella fregatura", "che bel casino"); "la coperta è bella pesante" and
// "bella vecchia osteria" are praise (a review of stop 47).
constexpr std::string_view kFineBefore[] = {"bel", "bell"};
constexpr std::string_view kFineArticles[] = {"un", "una", "uno", "che"};
// Words a closing verdict may hold beside it, as written: "Complimenti davvero 👏", "bravi ragazzi".
// Not "ma": "Un po' caro. Ma ottimo!" is a concession.
constexpr std::string_view kVerdictFill[] = {"davvero", "proprio", "veramente", "sempre", "ancora", "eh",
                                             "ah",      "beh",     "ragazzi",   "raga",   "vi",     "a",
                                             "tutti",   "voi",     "che",       "e",      "ok"};
// What the customer expected is what was missing: "da un albergo a 4 stelle mi aspetto una
// ristorazione migliore", "ti aspetti un servizio eccellente" (the expectation's own person, present
// or conditional, kIExpect...) open a modal's scope, which turns the praise after them; the past is
// left a wait ("mi aspettavo un servizio eccellente e così è stato"). The noun "aspetto" (an aspect,
// a look: "l'aspetto delle camere", "ogni aspetto del soggiorno") has the verb's stem and read as a
// wait: after an article, a determiner or a preposition it is no match. kExpectForms mark the stem.
constexpr std::string_view kExpectForms[] = {
    "aspetto",    "aspetti",      "aspetta",      "aspettiamo",   "aspettate",     "aspettano",
    "aspettavo",  "aspettavi",    "aspettava",    "aspettavamo",  "aspettavate",   "aspettavano",
    "aspetterei", "aspetteresti", "aspetterebbe", "aspetteremmo", "aspetterebbero"};
// The expectation's own person, present or conditional: "mi aspetto", "ti aspetti", "ci si
// aspetta" (not "mi aspettavo un servizio eccellente e così è stato", "ci aspettava con una torta",
// "vi aspettiamo").
constexpr std::string_view kMi[] = {"mi"}, kTi[] = {"ti"}, kSi[] = {"si"};
constexpr std::string_view kIExpect[] = {"aspetto", "aspetterei"};
constexpr std::string_view kYouExpect[] = {"aspetti", "aspetteresti"};
constexpr std::string_view kOneExpects[] = {"aspetta", "aspetterebbe", "aspettano"};
constexpr std::string_view kSame[] = {"stesso", "stessa", "stessi", "stesse"};  // "mi aspetto la stessa gentilezza"
constexpr std::string_view kAspectNouns[] = {"aspetto", "aspetti"};
constexpr std::string_view kDeterminers[] = {
    "l",      "lo",    "il",     "un",     "uno",    "gli",    "i",      "dell",    "nell",  "all",   "dall",
    "sull",   "dello", "nello",  "allo",   "del",    "nel",    "al",     "dal",     "sul",   "degli", "negli",
    "agli",   "dagli", "sugli",  "dei",    "nei",    "ai",     "dai",    "sui",     "d",     "ogni",  "quest",
    "questo", "quell", "quello", "questi", "quegli", "unico",  "altro",  "altri",   "primo", "bell",  "buon",
    "brutto", "con",   "sotto",  "per",    "tutti",  "alcuni", "molti",  "diversi", "vari",  "due",   "tre",
    "suo",    "loro",  "mio",    "nostro", "vostro", "cui",    "qualche"};
constexpr std::string_view kEh[] = {"eh"};
constexpr std::string_view kPer[] = {"per"};
constexpr std::string_view kZero[] = {"zero"};
// Before "zero" as a number: "a chilometro zero", "tasso zero" ("a zero commissioni" denies them).
constexpr std::string_view kZeroNumber[] = {"chilometro", "chilometri", "km",      "tasso", "costo",
                                            "costi",      "interessi",  "rischio", "sotto"};
constexpr std::string_view kWish[] = {"voglia"};              // "zero voglia di aiutare": the denial reaches on
constexpr std::string_view kNothing[] = {"niente", "nulla"};  // "non ... per niente": emphatic
constexpr std::string_view kBeh[] = {"beh", "bhe", "bè"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

constexpr std::string_view kClauseWords[] = {"e",  "ed",     "che",    "perché", "poiché", "quindi", "o",   "oppure",
                                             "se", "quando", "mentre", "dove",   "anche",  "xché",   "xké", "perké"};

// A word as the lists below are written: ASCII lower case, è/é/È/É as e, other capital Latin-1
// vowels lower-cased (À → à), a final apostrophe dropped. Into `buf` (a word of up to Max bytes:
// folding never lengthens it).
constexpr std::size_t kWrittenMax = 16;  // the longest word of the lists below, "dispiacerebbero", has 15
constexpr std::size_t kFormMax = 48;     // the longest lexicon word matched as written (Key::forms)
template <std::size_t Max>
std::string_view clause_form(std::string_view w, char (&buf)[Max]) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < w.size() && n < Max; ++i) {
    const auto c = static_cast<unsigned char>(w[i]);
    if (c == 0xC3 && i + 1 < w.size()) {
      const auto d = static_cast<unsigned char>(w[i + 1]);
      if (d == 0xA8 || d == 0xA9 || d == 0x88 || d == 0x89) {
        buf[n++] = 'e';
        ++i;
        continue;
      }
      if (d >= 0x80 && d <= 0x9E && d != 0x97 && n + 2 <= Max) {  // À → à ("ANDRÀ SISTEMATA")
        buf[n++] = static_cast<char>(c);
        buf[n++] = static_cast<char>(d + 0x20);
        ++i;
        continue;
      }
    }
    buf[n++] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  std::string_view out(buf, n);
  if (out.ends_with('\'')) out.remove_suffix(1);
  if (out.ends_with("\xE2\x80\x99")) out.remove_suffix(3);
  return out;
}

// The token is a clause word as written, not another word of its stem.
bool clause_word(std::string_view written) {
  static const auto kForms = [] {  // the clause words' own forms, folded once
    std::array<std::string, std::size(kClauseWords)> forms;
    char buf[kWrittenMax];
    for (std::size_t k = 0; k < forms.size(); ++k) forms[k] = clause_form(kClauseWords[k], buf);
    return forms;
  }();
  if (written.size() > kWrittenMax) return false;
  char buf[kWrittenMax];
  return std::ranges::find(kForms, clause_form(written, buf)) != kForms.end();
}

// The rating words as written ("voto 8", "2 su 10"): their stems are votato's, voti's.
constexpr std::string_view kVotoWord[] = {"voto"};
constexpr std::string_view kOutOfWord[] = {"su"};

// Nouns a rating follows, as written ("esperienza 10/10", "giudizio: 8/10").
constexpr std::string_view kRatingNouns[] = {"voto", "giudizio", "valutazione", "punteggio", "esperienza"};
// Verbs that give a rating, as written, and the words that may stand between them and it ("ho
// dato 1 stella", "do solo 2 stelle", "non merita neanche 1 stella"): after any other word
// "N stelle" is a hotel's class ("un 4 stelle", "albergo 3 stelle").
constexpr std::string_view kGiveWords[] = {"do",     "dò",       "dato",     "darei",    "diamo",    "daremmo",
                                           "metto",  "messo",    "metterei", "merita",   "meritano", "meriterebbe",
                                           "merito", "meritava", "valuto",   "valutato", "valuterei"};
constexpr std::string_view kBetweenWords[] = {"solo", "soltanto", "appena", "neanche", "nemmeno", "neppure", "almeno"};

// The past modals as written ("poteva essere più gentile", "dovevano avvisare"): their stems are
// potere's and dove's.
constexpr std::string_view kPastModals[] = {"poteva", "potevano", "potevate", "potevi",
                                            "doveva", "dovevano", "dovevate", "dovevi"};
// "come" before a modal: it compares with what the customer has ("come dovrebbe essere").
constexpr std::string_view kCome[] = {"come"};
// "ancora" with a negation is "not yet", still waiting: "non è ancora arrivato", "ancora non
// hanno risolto" (the turned word is intensified).
constexpr std::string_view kStill[] = {"ancora"};
// "nessuno" before a clitic is a verb's subject: "nessuno si è presentato", "nessuno mi ha
// richiamato" negate the verb as "non" does (a verb's negation: kMissedMinimum applies).
constexpr std::string_view kNobody[] = {"nessuno"};
constexpr std::string_view kClitics[] = {"mi", "ti", "ci", "vi", "si", "ne", "lo", "la", "li", "le", "gli"};
// Possessives: "non hanno capito il mio problema" negates the verb, not its object.
constexpr std::string_view kPossessives[] = {"mio",    "mia",    "miei",   "mie",    "tuo",    "tua",    "tuoi",
                                             "tue",    "suo",    "sua",    "suoi",   "sue",    "nostro", "nostra",
                                             "nostri", "nostre", "vostro", "vostra", "vostri", "vostre", "loro"};
// Words that, with the possessives, leave a negation without a verb of its own: the auxiliaries
// and the existential "c'è" ("non c'è mai stato un loro ritardo" negates the noun) and the
// articles (as written, their apostrophe dropped: c', l').
constexpr std::string_view kNoVerb[] = {"è",     "e",     "sono",  "sei", "siamo", "siete", "stato", "stata", "stati",
                                        "state", "era",   "erano", "c",   "ci",    "ho",    "hai",   "ha",    "abbiamo",
                                        "avete", "hanno", "avuto", "il",  "lo",    "la",    "i",     "gli",   "le",
                                        "un",    "uno",   "una",   "l",   "mai",   "più"};

// The word as written is in one of the lists (its form folded once).
template <std::size_t... N>
bool written_in(std::string_view written, const std::string_view (&... words)[N]) {
  if (written.size() > kWrittenMax) return false;
  char buf[kWrittenMax];
  const std::string_view form = clause_form(written, buf);
  return ((std::ranges::find(words, form) != std::end(words)) || ...);
}

// tok[k] is a word (k in range) written as one of the lists' words.
template <std::size_t... N>
bool word_in(const std::vector<text::Token>& tok, std::size_t k, const std::string_view (&... words)[N]) {
  return k < tok.size() && tok[k].kind == text::TokenKind::word && written_in(tok[k].text, words...);
}

std::string format_polarity(double p) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, p);
  return std::string(buf, r.ptr);
}

text::TokenizerOptions scorer_tokenizer() {
  text::TokenizerOptions o;
  o.stopwords.reset();  // every word counts: "non", "un po'", "ma"
  o.stem = true;        // words are matched by their Snowball stem, which the tokenizer caches
  return o;
}

bool content(const text::Token& t) {
  return t.kind != text::TokenKind::punct && t.kind != text::TokenKind::symbol && !t.norm.empty();
}

// Capitals: 3+ ASCII capitals and no ASCII lower-case letter ("PESSIMO").
bool shouted(std::string_view s) {
  int upper = 0;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') ++upper;
  }
  return upper >= 3;
}

// Three equal letters in a row ("bellooo").
bool elongated(std::string_view s) {
  for (std::size_t i = 2; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (letter && s[i - 1] == c && s[i - 2] == c) return true;
  }
  return false;
}

// The tokenizer keeps an ellipsis on the word it ends (nessu…, guida......: the UD Italian
// convention); the scorer reads it as the punctuation that closes the sentence, a token of its own.
void split_final_ellipses(std::vector<text::Token>& tok) {
  auto cut = [](const text::Token& t) {
    return t.kind == text::TokenKind::word ? text::detail::without_final_ellipsis(t.text) : t.text.size();
  };
  std::size_t extra = 0;
  for (const auto& t : tok) extra += cut(t) < t.text.size();
  if (extra == 0) return;
  std::vector<text::Token> out;
  out.reserve(tok.size() + extra);
  for (auto& t : tok) {
    const std::size_t w = cut(t);
    if (w == t.text.size()) {
      out.push_back(std::move(t));
      continue;
    }
    text::Token p;
    p.text = t.text.substr(w);
    p.norm = std::string(p.text);
    p.start = t.start + w;
    p.end = t.end;
    p.kind = text::TokenKind::punct;
    t.text = t.text.substr(0, w);
    t.end = t.start + w;
    out.push_back(std::move(t));
    out.push_back(std::move(p));
  }
  tok = std::move(out);
}

// Polarity of an emoticon token by its mouth: 0 when it shows none (o.o, O_O).
double emoticon_polarity(std::string_view e) {
  if (e.find("</3") != std::string_view::npos) return -2.0;
  if (e.find("<3") != std::string_view::npos) return 2.0;
  if (e == "^^" || e == "^_^" || e == "^.^" || e == "*-*" || e == "*.*" || e == "*_*") return 1.5;
  if (e == "-_-" || e == "-.-") return -1.0;
  auto eye = [](char c) { return c == ':' || c == ';' || c == '=' || c == '8' || c == 'x' || c == 'X'; };
  auto happy = [](char c) { return c == ')' || c == ']' || c == 'D' || c == 'P' || c == 'p' || c == '*' || c == '3'; };
  auto sad = [](char c) { return c == '(' || c == '[' || c == '/' || c == '\\' || c == '|' || c == 'S' || c == 'c'; };
  if (e.size() < 2) return 0.0;
  // Mouth at the end (":-)))", ":'D", "xD"), or at the start of a mirrored face ("(:", "):").
  const bool mirrored = !eye(e.front()) && eye(e.back());
  const char mouth = mirrored ? e.front() : e.back();
  std::size_t repeats = 0;
  if (mirrored) {
    while (repeats < e.size() && e[repeats] == mouth) ++repeats;
  } else {
    while (repeats < e.size() && e[e.size() - 1 - repeats] == mouth) ++repeats;
  }
  const double strength = std::min(2.5, 1.5 + 0.3 * static_cast<double>(repeats - 1));
  // Mirrored, the parentheses swap meaning: "(:" smiles, "):" frowns.
  const bool smile = mirrored ? (mouth == '(' || mouth == '[') : happy(mouth);
  const bool frown = mirrored ? (mouth == ')' || mouth == ']') : sad(mouth);
  if (smile) return strength;
  if (frown) return -strength;
  return 0.0;
}

// A number as customers write a rating: digits with at most one decimal comma or point ("4",
// "4,5", "3.5"); NaN otherwise.
double rating_number(std::string_view s) {
  if (s.empty() || s.size() > 6) return std::numeric_limits<double>::quiet_NaN();
  double v = 0, scale = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + (c - '0');
      scale *= 10;
    } else if ((c == ',' || c == '.') && scale == 0) {
      scale = 1;
    } else {
      return std::numeric_limits<double>::quiet_NaN();
    }
  }
  return scale > 1 ? v / scale : v;
}

// The polarity of a rating `value` out of `best` (its share of the scale: 4/5 and 8/10 praise,
// 1/5 and 2/10 condemn, 3/5 and 6/10 say little); 0 when it is none.
double rating_polarity(double value, double best) {
  if (!(value >= 0 && value <= best)) return 0.0;
  const double r = value / best;
  return r >= 0.8 ? 2.0 : r > 0.6 ? 1.0 : r <= 0.2 ? -2.0 : r <= 0.4 ? -1.5 : 0.0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// SentimentLexicon
// ---------------------------------------------------------------------------------------------

SentimentLexicon::SentimentLexicon(std::vector<LexiconEntry> entries) : entries_(std::move(entries)) {
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& e = entries_[i];
    const std::string shown = detail::escaped_controls(e.term);  // on one line of a message
    const std::string where = "lexicon entry " + std::to_string(i) + " ('" + shown + "')";
    if (trim(e.term).empty()) throw std::invalid_argument("lexicon entry " + std::to_string(i) + ": empty term");
    if (trim(e.term).size() != e.term.size()) throw std::invalid_argument(where + ": leading or trailing blanks");
    // What to_text() writes, parse() must read back as this entry (red-team, stop 42: a term with
    // a tab or a line break saved a model that could not be loaded, one starting with '#' was read
    // back as a comment and lost).
    if (shown.size() != e.term.size())
      throw std::invalid_argument(where +
                                  ": a control character (tab, line break): a lexicon line is 'term<TAB>polarity'");
    if (e.term.find("  ") != std::string::npos)
      throw std::invalid_argument(where + ": two blanks in a row: the words of a phrase are separated by one space");
    if (e.term.front() == '#')
      throw std::invalid_argument(where +
                                  ": starts with '#', which a lexicon file reads as a comment; write the word "
                                  "without it (a hashtag #fail is looked up as fail)");
    const auto words = 1 + static_cast<std::size_t>(std::count(e.term.begin(), e.term.end(), ' '));
    if (words > kMaxPhraseWords)
      throw std::invalid_argument(where + ": " + std::to_string(words) + " words, at most " +
                                  std::to_string(kMaxPhraseWords));
    if (!std::isfinite(e.polarity) || std::abs(e.polarity) > kMaxPolarity)
      throw std::invalid_argument(where + ": polarity " + format_polarity(e.polarity) +
                                  ", expected a number in [-3, 3]");
    if (const auto [it, added] = seen.try_emplace(e.term, i); !added)
      throw std::invalid_argument(where + ": listed twice (first as entry " + std::to_string(it->second) + ")");
  }
}

SentimentLexicon SentimentLexicon::parse(std::string_view text, std::string_view source) {
  std::vector<LexiconEntry> entries;
  std::size_t line_no = 0;
  const std::string name(source);
  auto fail = [&](const std::string& msg) -> void {
    throw FormatError(name + " line " + std::to_string(line_no) + ": " + msg);
  };
  text = text::detail::without_bom(text);
  std::unordered_map<std::string, std::size_t> first_line;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty() || trim(line).front() == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos) fail("expected 'term<TAB>polarity', found no tab");
    const auto term = trim(line.substr(0, tab));
    const auto value = trim(line.substr(tab + 1));
    if (term.empty()) fail("empty term");
    if (value.find('\t') != std::string_view::npos) fail("more than one tab: expected 'term<TAB>polarity'");
    double p = 0;
    const auto r = std::from_chars(value.data(), value.data() + value.size(), p);
    if (r.ec != std::errc() || r.ptr != value.data() + value.size())
      fail("polarity '" + std::string(value) + "' is not a number");
    if (!std::isfinite(p) || std::abs(p) > kMaxPolarity)
      fail("polarity " + std::string(value) + " of '" + std::string(term) + "', expected a number in [-3, 3]");
    std::string t(term);
    // Words are separated by one space in the stored form.
    std::string collapsed;
    for (char c : t) {
      if (c == '\t' || c == ' ') {
        if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
      } else {
        collapsed += c;
      }
    }
    if (const auto [it, added] = first_line.try_emplace(collapsed, line_no); !added)
      fail("'" + collapsed + "' is listed twice (first on line " + std::to_string(it->second) + ")");
    const auto words = 1 + static_cast<std::size_t>(std::count(collapsed.begin(), collapsed.end(), ' '));
    if (words > kMaxPhraseWords)
      fail("'" + collapsed + "' has " + std::to_string(words) + " words, at most " + std::to_string(kMaxPhraseWords));
    entries.push_back({std::move(collapsed), p});
  }
  return SentimentLexicon(std::move(entries));
}

SentimentLexicon SentimentLexicon::load(const std::string& path, std::uint64_t max_bytes) {
  const std::string bytes = detail::read_file(path, "sentiment lexicon", max_bytes);
  return parse(bytes, "sentiment lexicon '" + detail::display_path(path) + "'");
}

SentimentLexicon SentimentLexicon::default_lexicon() { return load(default_sentiment_lexicon_path()); }

std::string SentimentLexicon::to_text() const {
  std::string out;
  for (const auto& e : entries_) out += e.term + '\t' + format_polarity(e.polarity) + '\n';
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scorer
// ---------------------------------------------------------------------------------------------

SentimentClassifier::Scorer::Scorer(const SentimentLexicon& lexicon) : tokenizer(scorer_tokenizer()) {
  // Every key is what the tokenizer makes of the word (its stem), as in the texts scored.
  auto key = [&](std::string_view w) {
    for (const auto& t : tokenizer.tokenize(w))
      if (content(t)) return t.norm;
    return std::string();
  };
  auto set = [&](std::string_view w, Role r) {
    Key& k = keys_[key(w)];
    if (k.role == Role::none) k.role = r;  // the first role given a stem wins
  };
  for (const auto& w : text::negators()) set(w, Role::negator);
  // Beside the tokenizer's negators: "nn", the chat spelling of "non" ("l'app nn funziona"), and
  // "zero" before what is missing ("zero professionalità", "zero problemi").
  for (const char* w : {"nessun", "affatto", "mica", "nn", "zero"}) set(w, Role::negator);
  for (const char* w : {"molto", "tanto", "davvero", "veramente", "proprio", "assolutamente", "estremamente", "super",
                        "decisamente", "particolarmente", "totalmente", "completamente", "così", "incredibilmente",
                        "parecchio", "tremendamente", "altamente", "profondamente"})
    set(w, Role::intensifier);
  // Not "discretamente": its stem is discreto's, a word of praise ("discreto hotel"), and a stem
  // with a role has no entry (discreto never matched).
  for (const char* w :
       {"abbastanza", "piuttosto", "leggermente", "quasi", "relativamente", "po'", "po", "alquanto", "moderatamente"})
    set(w, Role::downtoner);
  // "meno" before a word lessens it as "poco" does: "meno pulito del previsto", "meno caro" ("meno
  // male" is a phrase of the lexicon, which wins).
  set("poco", Role::poco);
  set("meno", Role::poco);
  set("troppo", Role::troppo);
  for (const char* w : {"ma", "però", "tuttavia", "invece", "eppure", "comunque"}) set(w, Role::contrast);
  // Words that start another clause, where a negation's scope ends ("non ho avuto problemi e sono
  // soddisfatto").
  // Matched by the word as written (clause_word()): "dove" and "dovuto" share the stem "dov", and
  // "non ho dovuto aspettare" lost its negation at "dovuto". xché, xké: chat spellings of perché.
  for (const std::string_view w : kClauseWords) set(w, Role::clause);
  only_ = {key("solo"), key("soltanto")};
  // "più" marks a degree ("mai visto un servizio più lento"); so do "così" and "tanto", which
  // intensify too.
  set("più", Role::degree);
  never_ = key("mai");
  so_ = {key("così"), key("tanto")};
  could_ = {key("potrei"), key("potremmo"), key("potevo"), key("potevamo")};
  // Conditional and past modals: what they say could, should or would have been is what was
  // missing ("potrebbe essere migliore", "avrebbero potuto fare meglio", "dovrebbero migliorare",
  // "poteva essere più gentile", "sarebbe stato meglio", "avrei preferito"). The conditionals have
  // stems of their own; "poteva" shares potere's (potuto, potere) and "doveva" dove's, so those
  // two are matched as written (kPastModals).
  for (const char* w : {"potrebbe", "potrebbero", "potreste", "avrebbe", "avrebbero", "avreste", "avrei", "avremmo",
                        "dovrebbe", "dovrebbero", "dovreste", "sarebbe", "sarebbero", "poteva"})
    set(w, Role::modal);
  set("magari", Role::magari);
  pot_ = key("poteva");
  better_ = {key("meglio"), key("migliore")};
  // "potrebbe essere utile" is a guess, not a complaint: "potrebbe" turns a comparison alone
  // ("potrebbe essere migliore", "potreste rispondere più velocemente").
  might_ = {key("potrebbe"), key("potrebbero"), key("potreste")};
  star_ = {key("stella"), key("stelle")};

  terms.reserve(lexicon.size());
  kind_.assign(lexicon.size(), 0);
  std::vector<std::string> faults, recurrence;
  for (const std::string_view w : kFaults) faults.push_back(key(w));
  for (const std::string_view w : kRecurrence) recurrence.push_back(key(w));
  for (std::uint32_t i = 0; i < lexicon.size(); ++i) {
    const auto& e = lexicon.entries()[i];
    terms.push_back(e.term);
    std::vector<std::string> norms;
    for (const auto& t : tokenizer.tokenize(e.term))
      if (content(t)) norms.push_back(t.norm);
    if (norms.empty()) continue;  // punctuation alone: nothing to match
    auto any_in = [&](const std::vector<std::string>& keys) {
      return std::ranges::any_of(norms, [&](const std::string& n) { return std::ranges::find(keys, n) != keys.end(); });
    };
    if (e.polarity < 0 && any_in(faults) && !any_in(recurrence)) kind_[i] |= kFault;
    if (e.polarity > 0 && std::ranges::find(kVerdicts, e.term) != std::end(kVerdicts)) kind_[i] |= kVerdict;
    if (e.polarity > 0 && std::ranges::find(kAddressedVerdicts, e.term) != std::end(kAddressedVerdicts))
      kind_[i] |= kAddressed;
    if (std::ranges::find(kIronicEmojis, e.term) != std::end(kIronicEmojis)) kind_[i] |= kIronicEmoji;
    if (std::ranges::find(kClaps, e.term) != std::end(kClaps)) kind_[i] |= kClap;
    if (e.polarity < 0 && std::ranges::find(kMisfortunes, e.term) != std::end(kMisfortunes)) kind_[i] |= kMisfortune;
    if (e.polarity > 0 && std::ranges::find(kFineWords, e.term) != std::end(kFineWords)) kind_[i] |= kFine;
    if (e.term.starts_with(kThanks)) kind_[i] |= kThank;
    if (norms.size() == 1) {
      Key& k = keys_[norms[0]];
      // The rules own modifier words; the first entry of a stem has it, a later one its own form.
      if (k.role == Role::none && k.word.entry == kNoEntry) {
        k.word = Word{e.polarity, i};
      } else if (k.role == Role::none && e.term.size() <= kFormMax) {
        char buf[kFormMax];
        k.forms.emplace_back(std::string(clause_form(e.term, buf)), Word{e.polarity, i});
      }
      continue;
    }
    Phrase p{{norms.begin() + 1, norms.end()}, e.polarity, i};
    keys_[norms[0]].phrases.push_back(std::move(p));
  }
  for (const std::string_view w : kMinimums) {
    const std::string k = key(w);
    if (keys_.find(k)) keys_[k].word.minimum = true;  // a minimum with no entry counts for nothing
  }
  auto mark = [&](const auto& words, Mark m) {
    for (const std::string_view w : words) keys_[key(w)].marks |= m;
  };
  mark(kChangeVerbs, kChange);
  mark(kDeonticWords, kDeontic);
  mark(kDa, kTodo);
  mark(kAdviseWords, kAdvise);
  mark(kWouldHaveWords, kWouldHave);
  mark(kDatedForms, kDated);
  mark(kNon, kNotHurt);
  mark(kShouldHave, kDuty);
  mark(kHadTo, kDuty);
  mark(kExpectedVerbs, kExpected);
  mark(kEffortVerbs, kEffort);
  mark(kRepairs, kRepair);
  mark(kExpectForms, kExpect);
  mark(kHoped, kHope);
  mark(kStaying, kStillThere);
  for (const std::string_view w : kErrands) errands_.push_back(key(w));
  mark(kContactVerbs, kContact);
  mark(kThen, kThenNow);
  mark(kNow, kThenNow);
  // By second word, then longest first (stable: among phrases of one length the first entry wins):
  // a word finds the phrases its next word can continue by binary search ("non" starts 62 of the
  // shipped lexicon's phrases, "da" 23, "in" 16; a scan of all of them per occurrence was a fifth
  // of the scorer's time).
  for (auto& [first, k] : keys_)
    std::stable_sort(k.phrases.begin(), k.phrases.end(), [](const Phrase& a, const Phrase& b) {
      if (a.stems[0] != b.stems[0]) return a.stems[0] < b.stems[0];
      return a.stems.size() > b.stems.size();
    });
}

const SentimentClassifier::Scorer::Key* SentimentClassifier::Scorer::find(std::string_view stem) const {
  return keys_.find(stem);
}

namespace {
// A finite form of "essere", as written (lower case; "e'" for "è"): not written_in(), which reads
// "è" as the conjunction "e".
bool is_essere(std::string_view w) {
  static constexpr std::string_view kForms[] = {"è",         "e'",    "e\xE2\x80\x99", "é",       "sono",
                                                "era",       "erano", "sarà",          "saranno", "sarebbe",
                                                "sarebbero", "fu",    "furono"};  // e’: a typographic apostrophe
  if (w.size() > 10) return false;
  char buf[10];
  for (std::size_t k = 0; k < w.size(); ++k) {
    const auto c = static_cast<unsigned char>(w[k]);
    buf[k] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  const std::string_view lower(buf, w.size());
  if (lower == "\xC3\x88") return true;  // È
  return std::ranges::find(kForms, lower) != std::end(kForms);
}
}  // namespace

std::size_t SentimentClassifier::Scorer::suggestion(const std::vector<text::Token>& tok, std::size_t i, const Key& key,
                                                    bool& unturned) const {
  unturned = false;
  using text::TokenKind;
  const std::size_t none = tok.size();
  const std::string_view written = tok[i].text;
  auto is_word = [&](std::size_t j) { return j < tok.size() && tok[j].kind == TokenKind::word; };
  auto marked = [&](std::size_t j, std::uint16_t marks) {  // one lookup for any of `marks`
    if (!is_word(j)) return false;
    const Key* k = find(tok[j].norm);
    return k && (k->marks & marks);
  };
  // The change (or, with `also`, the event) after the request's verb: the first word past at
  // most three fillers; `past` tells whether "stato", "stata"... was one ("deve essere stata
  // rinnovata" guesses at the past, it asks nothing).
  bool past = false;
  auto change_after = [&](std::size_t j, Mark also = kChange) {
    past = false;
    for (std::size_t filled = 0; is_word(j); ++j, ++filled) {
      if (marked(j, kChange | also)) return j;
      if (filled == 3 || !written_in(tok[j].text, kRequestFill)) break;
      past = past || written_in(tok[j].text, kBeen);
    }
    return none;
  };
  auto lower_ends = [](std::string_view w, std::string_view end) {
    if (w.size() < end.size()) return false;
    for (std::size_t k = 0; k < end.size(); ++k)
      if (static_cast<char>(std::tolower(static_cast<unsigned char>(w[w.size() - end.size() + k]))) != end[k])
        return false;
    return true;
  };
  auto infinitive = [&](std::string_view w) {  // with or without a clitic: sistemare, sistemarla, richiamarmi
    for (const std::string_view end : {"are", "ere", "ire", "rre"})
      if (lower_ends(w, end)) return true;
    for (const std::string_view clitic : {"mi", "ti", "ci", "vi", "si", "lo", "la", "li", "le", "ne"})
      if (lower_ends(w, clitic)) {
        const std::string_view stem = w.substr(0, w.size() - 2);
        if (lower_ends(stem, "ar") || lower_ends(stem, "er") || lower_ends(stem, "ir")) return true;
      }
    return false;
  };
  // A past participle (rinnovata, rivisto, tolto) or an infinitive; not an adverb of the verb's
  // stem ("va correttamente") nor a gerund ("va migliorando" is praise).
  auto verb_form = [&](std::string_view w) {
    if (lower_ends(w, "mente")) return false;
    if (infinitive(w)) return true;
    if (w.size() < 3) return false;
    const char t = static_cast<char>(std::tolower(static_cast<unsigned char>(w[w.size() - 2])));
    const char v = static_cast<char>(std::tolower(static_cast<unsigned char>(w.back())));
    return (t == 't' || t == 's') && (v == 'o' || v == 'a' || v == 'i' || v == 'e');
  };
  // "come doveva essere", "è arrivato quando doveva arrivare": a comparison with what was due.
  auto compared = [&] {
    for (std::size_t k = i; k > 0 && k + 3 > i; --k)
      if (written_in(tok[k - 1].text, kCome, kWhen)) return true;
    return false;
  };
  // "va aggiunto che", "bisogna ricordare che": a formula of discourse.
  auto formula = [&](std::size_t j) { return word_in(tok, j + 1, kChe); };
  // The customer's conditional: "cambierei", "sostituiremmo".
  if ((key.marks & kChange) && (lower_ends(written, "rei") || lower_ends(written, "remmo"))) return i;
  // As written: "devo cambiare il metodo di pagamento" (dovere's stem) is the customer's own errand.
  if ((key.marks & kDeontic) && written_in(written, kDeonticWords) && !compared()) {
    const std::size_t j = change_after(i + 1);
    if (j != none && verb_form(tok[j].text) && !formula(j) && !past) return j;
  }
  if ((key.marks & kTodo) && written_in(written, kDa)) {
    // "da 8 giorni", "da due settimane", "da un mese" (the caller keeps it for a complaint).
    if (i + 2 < tok.size() && (tok[i + 1].kind == TokenKind::number || written_in(tok[i + 1].text, kCounts)) &&
        word_in(tok, i + 2, kWaitUnits)) {
      unturned = true;
      return i + 2;
    }
    const std::size_t j = change_after(i + 1);
    // "niente da aggiungere" closes a comment: nothing is asked.
    if (j != none && infinitive(tok[j].text) && !written_in(tok[j].text, kNothingAsked)) return j;
  }
  // "consiglio di rivedere": the verb as written, not after an article ("il consiglio di", the noun).
  if ((key.marks & kAdvise) && written_in(written, kAdviseWords) &&
      !(i > 0 && written_in(tok[i - 1].text, kArticles)) && word_in(tok, i + 1, kDi)) {
    const std::size_t j = change_after(i + 2);
    if (j != none && infinitive(tok[j].text) && !formula(j)) return j;
  }
  if ((key.marks & kDuty) && written_in(written, kShouldHave) && !compared()) {
    const std::size_t j = change_after(i + 1, kExpected);
    if (j != none && verb_form(tok[j].text)) return j;
  }
  // "ho dovuto chiamare tre volte": an effort (kEffortVerbs), not "ho dovuto ammettere che".
  if ((key.marks & kDuty) && written_in(written, kHadTo) && i > 0 && written_in(tok[i - 1].text, kAuxiliaries) &&
      marked(i + 1, kEffort) && infinitive(tok[i + 1].text))
    return i + 1;
  if ((key.marks & kNotHurt) && written_in(written, kNon) && word_in(tok, i + 1, kWouldNotHurt)) return i + 1;
  // An infinitive of change opening a sentence (or a list's item) is advice: "Migliorare la
  // colazione.", "1) rivedere i prezzi" (the answer to "what should we improve?").
  auto opens = [](const text::Token& p) {
    return p.kind == TokenKind::punct &&
           (p.text.find_first_of(".!?;:-*)") != std::string_view::npos ||
            p.text.find("\xE2\x80\xA6") != std::string_view::npos || p.text == "\xE2\x80\xA2");
  };
  // Not when its clause (to a comma, "che" or the sentence's end) says what doing it was: it is
  // the subject of "essere" ("Cambiare operatore è stata la scelta migliore") or of praise
  // ("Aggiornare l'app ha risolto tutto"); nor a question ("Migliorare? Impossibile").
  auto subject = [&] {
    if (i + 1 < tok.size() && tok[i + 1].kind == TokenKind::punct &&
        tok[i + 1].text.find('?') != std::string_view::npos)
      return true;
    for (std::size_t k = i + 1; k < tok.size() && !opens(tok[k]) && tok[k].text != ","; ++k) {
      if (tok[k].kind != TokenKind::word) continue;
      if (written_in(tok[k].text, kChe)) break;
      if (is_essere(tok[k].text)) return true;
      const Word* w = word(tok[k].norm);
      if (w && w->polarity > 0) return true;
    }
    return false;
  };
  if ((key.marks & kChange) && infinitive(written) && (i == 0 || opens(tok[i - 1])) && !subject()) return i;
  // "avrei preferito", "avrei voluto"; not "avrei voluto restare di più" (praise).
  if (key.marks & kWouldHave) {
    for (std::size_t j = i + 1; is_word(j) && j <= i + 2; ++j)
      if (written_in(tok[j].text, kWished)) {
        if (word_in(tok, j + 1, kStayLonger)) return none;
        return j;
      }
  }
  return none;
}

const SentimentClassifier::Scorer::Word* SentimentClassifier::Scorer::word(std::string_view stem) const {
  const Key* k = find(stem);
  return k && k->word.entry != kNoEntry ? &k->word : nullptr;
}

std::pair<double, std::size_t> SentimentClassifier::Scorer::rating(const std::vector<text::Token>& tok,
                                                                   std::size_t i) const {
  using text::TokenKind;
  auto is = [&](std::size_t k, const std::string& stem) {
    return tok[k].kind == TokenKind::word && tok[k].norm == stem;
  };
  // After "voto" ("voto 8", "voto: 8").
  const bool after_voto =
      (i > 0 && word_in(tok, i - 1, kVotoWord)) || (i > 1 && tok[i - 1].text == ":" && word_in(tok, i - 2, kVotoWord));
  const std::string_view s = tok[i].text;
  auto out_of = [](double best) { return best == 5 || best == 10 || best == 100; };
  if (const auto slash = s.find('/'); slash != std::string_view::npos) {
    // "10/10", "ottimo 4,5/5", "esperienza 10/10", "gli do 8/10"; after another word it is a date
    // ("il 3/10", "consegna prevista 4/10", "ordine effettuato 3/10": review of stop 42, where
    // any word but an article or a preposition made the date a rating).
    if (i > 0 && tok[i - 1].kind == TokenKind::word) {
      const Word* before = word(tok[i - 1].norm);
      const bool polar = before && before->polarity != 0.0;
      if (!polar && !after_voto && !word_in(tok, i - 1, kGiveWords) && !word_in(tok, i - 1, kRatingNouns))
        return {0.0, i};
    }
    const double best = rating_number(s.substr(slash + 1));
    return {out_of(best) ? rating_polarity(rating_number(s.substr(0, slash)), best) : 0.0, i};
  }
  const double value = rating_number(s);
  if (std::isnan(value)) return {0.0, i};
  // "2 su 10" closing its clause ("9 su 10 volte" is a frequency).
  if (i + 2 < tok.size() && word_in(tok, i + 1, kOutOfWord) && tok[i + 2].kind == TokenKind::number) {
    const double best = rating_number(tok[i + 2].text);
    const bool closes = i + 3 == tok.size() || tok[i + 3].kind != TokenKind::word;
    return closes && out_of(best) ? std::pair{rating_polarity(value, best), i + 2} : std::pair{0.0, i};
  }
  // "5 stelle!", "do 2 stelle", "ho dato solo 1 stella"; after another word it is a hotel's class
  // ("un 4 stelle", "hotel a 3 stelle").
  const bool given = i > 0 && (word_in(tok, i - 1, kGiveWords) ||
                               (i > 1 && word_in(tok, i - 1, kBetweenWords) && word_in(tok, i - 2, kGiveWords)));
  const bool alone = i == 0 || tok[i - 1].kind != TokenKind::word || after_voto || given;
  if (alone && i + 1 < tok.size() && (is(i + 1, star_[0]) || is(i + 1, star_[1])))
    return {rating_polarity(value, 5), i + 1};
  return {after_voto ? rating_polarity(value, 10) : 0.0, i};
}

bool SentimentClassifier::Scorer::shares_segmentation(const text::Tokenizer& other) const {
  return other.options().split_elisions == tokenizer.options().split_elisions &&
         other.options().utf8 == tokenizer.options().utf8;
}

namespace {
// The end (bytes) of the first clause of a story told from its start (kBackstory) when a later word
// says it was put right, else 0.
std::size_t story_told(const std::vector<text::Token>& tok, std::size_t text_size) {
  std::size_t t = 0;
  if (word_in(tok, t, kGreetings)) t += t + 1 < tok.size() && tok[t + 1].kind == text::TokenKind::punct ? 2 : 1;
  if (word_in(tok, t, kBackstoryClitics)) ++t;
  const bool had = word_in(tok, t, kBackstoryAux) && word_in(tok, t + 1, kHad);
  if (!had && !word_in(tok, t, kBackstory)) return 0;
  const std::size_t first = t;
  while (t < tok.size() && t - first <= kBackstoryWords && tok[t].kind != text::TokenKind::punct &&
         tok[t].kind != text::TokenKind::emoji && tok[t].kind != text::TokenKind::emoticon)
    ++t;
  const std::size_t end = t;
  if (end - first > kBackstoryWords) return 0;
  for (t = first + 1; t < tok.size(); ++t)  // in the clause or after it, not denied
    if (word_in(tok, t, kPutRight)) {
      bool denied = false;  // up to 4 tokens before, as a repair's: "non l'hanno risolto"
      for (std::size_t k = t; k > 0 && k + 4 > t && !denied; --k) denied = word_in(tok, k - 1, kNotRepaired, kNobody);
      if (!denied) return end < tok.size() ? tok[end].start : text_size;
    }
  return 0;
}
}  // namespace

void SentimentClassifier::Scorer::score(std::string_view text, std::span<double> features, std::vector<Hit>* hits_out,
                                        std::vector<text::Token>* tokens_out, bool segmented) const {
  std::vector<text::Token> own;
  std::vector<text::Token>& tokens = tokens_out ? *tokens_out : own;
  if (segmented && tokens_out)
    text::detail::TermReader(tokenizer).normalize(text, tokens);
  else
    tokens = std::move(tokenizer.tokenize(text).tokens);
  split_final_ellipses(tokens);
  const auto& tok = tokens;
  std::vector<Hit> local;
  std::vector<Hit>& hits = hits_out ? *hits_out : local;
  hits.clear();
  // Where a hit is: the contrast words before it in its sentence, the token it was found at,
  // and its segment (commas, clause words and contrast words end one).
  struct Place {
    std::uint32_t contrasts;
    std::size_t token;
    std::uint32_t segment;
    bool reason = false;  // the fault a contact was for (kContactVerbs)
  };
  // A repair of the sentence (kRepairs): its token, its bytes, the contrast words before it, its segment.
  struct Repair {
    std::size_t token, start, end;
    std::uint32_t contrasts, segment;
    bool own = false;    // a match of its own (risolto is one, sostituito is none)
    bool ended = false;  // it ended a fault
  };
  struct Scratch {  // the thread's (thread_scratch.hpp): a call allocated them, growing them hit by hit
    std::vector<Place> place;
    std::vector<std::size_t> weak;
    std::vector<std::size_t> unsaid;  // negatives a verb's negation turned
    std::vector<Repair> repairs;
    std::vector<Hit> kept;
    std::vector<Place> kept_place;
    std::vector<std::uint32_t> still_there;  // segments that say a fault is still there
  };
  Scratch& scratch = detail::thread_scratch<Scratch>();
  auto& place = scratch.place;      // per hit
  auto& weak = scratch.weak;        // the sentence's weak positive hits (kWeakPositive)
  auto& unsaid = scratch.unsaid;    // the sentence's negatives that "non" turned
  auto& repairs = scratch.repairs;  // the sentence's
  place.clear();
  weak.clear();
  unsaid.clear();
  repairs.clear();
  std::size_t at = 0;  // the token being read
  std::uint32_t segment = 0;
  auto& still_there = scratch.still_there;
  still_there.clear();
  std::uint32_t hoped = std::numeric_limits<std::uint32_t>::max();  // the segment a hope opened
  constexpr std::size_t kNoToken = std::numeric_limits<std::size_t>::max();
  std::size_t then_at = kNoToken;  // the sentence's past marker (kThen), until a kNow word
  bool zeroed = false;  // a hit of the sentence was set to 0 (a past contrasted with now, "bello" before a complaint)
  std::size_t contact_at = kNoToken;  // the last contact verb (kContactVerbs)
  std::uint32_t contact_segment = 0;
  int reason_left = 0;  // words left of a contact's reason (kReasonReach)
  // tok[k] is a past marker: "prima", "una volta", "un tempo", "all'inizio", "inizialmente" right
  // before a verb in the imperfect ("prima funzionava", "una volta eravate", "prima c'era"), a
  // clitic or "non" between them allowed ("prima mi rispondevano", "prima non c'era").
  // tok[k] is the "volte" of an errand done again and again (kRepeatedEffort).
  auto repeated_effort = [&](std::size_t k) {
    if (k < 2 || !written_in(tok[k].text, kTimes)) return false;
    const auto& count = tok[k - 1];
    if (count.kind == text::TokenKind::number) {
      const double n = rating_number(count.text);
      if (!(n >= 2)) return false;
    } else if (!word_in(tok, k - 1, kCountWords)) {
      return false;
    }
    for (std::size_t j = k - 1; j > 0 && j + kRepeatReach >= k; --j) {
      const auto& w = tok[j - 1];
      if (w.kind == text::TokenKind::punct && w.text.find_first_of(",.;:!?") != std::string_view::npos) return false;
      if (w.kind != text::TokenKind::word) continue;  // quotes pass: devi scrivere "operatore" 6 volte
      if (std::ranges::find(errands_, w.norm) != errands_.end()) {
        // "non ho dovuto ripetere il problema due volte", "senza dover chiamare tre volte": praise.
        for (std::size_t b = j - 1; b > 0 && b + 4 > j; --b)
          if (word_in(tok, b - 1, kErrandDenied)) return false;
        // Its auxiliary right before it, or one word before ("ho già chiamato", "li ho chiamati").
        return (j >= 2 && word_in(tok, j - 2, kOwnErrand)) || (j >= 3 && word_in(tok, j - 3, kOwnErrand));
      }
    }
    return false;
  };
  // Between a negator and tok[k], the customer's own auxiliary (kOwnAction).
  auto own_action = [&](std::size_t k) {
    for (std::size_t b = k; b > 0 && b + static_cast<std::size_t>(kNegationScope) + 1 > k; --b) {
      if (word_in(tok, b - 1, kOwnAction)) return true;
      if (word_in(tok, b - 1, kErrandDenied)) return false;
    }
    return false;
  };
  auto past_marker = [&](std::size_t k) {
    if (!word_in(tok, k, kThen)) return false;
    if (!written_in(tok[k].text, kFirst) && !written_in(tok[k].text, kAtFirst) &&
        !(k > 0 && word_in(tok, k - 1, kOnce)))
      return false;
    std::size_t v = k + 1;
    if (word_in(tok, v, kClitics, kNon)) ++v;
    if (v >= tok.size() || tok[v].kind != text::TokenKind::word || tok[v].text.size() > kWrittenMax) return false;
    if (written_in(tok[v].text, kWas)) return true;
    char buf[kWrittenMax];
    const std::string_view form = clause_form(tok[v].text, buf);
    return std::ranges::any_of(kImperfect,
                               [&](std::string_view e) { return form.size() >= e.size() + 2 && form.ends_with(e); });
  };
  // The last token that says anything: a closing verdict is in the comment's last sentence.
  std::size_t last_content = 0;
  for (std::size_t k = tok.size(); k > 0; --k)
    if (tok[k - 1].kind != text::TokenKind::punct && tok[k - 1].kind != text::TokenKind::symbol) {
      last_content = k - 1;
      break;
    }
  bool complained_before = false;  // the sentence before this one holds a complaint

  double P = 0, N = 0, P_last = 0, N_last = 0;
  std::size_t last_begin = 0;  // the first hit of the last sentence with any
  bool contrasted = false;     // a contrast word anywhere in the comment
  bool exclaim = false, question = false;

  // Sentence state.
  std::size_t sentence_begin = 0;  // first hit of the sentence
  std::uint32_t contrasts = 0;
  int scope = 0;             // words left in a negation scope
  int modal_left = 0;        // words left in a conditional or past modal's scope ("potrebbe essere ...")
  bool might = false;        // the modal is "potrebbe": it turns a comparison alone
  bool verbal = false;       // the open negation is a verb's ("non", "nn"), not a noun's ("mai un ...")
  bool verb_seen = false;    // a word of the negation's scope that is no auxiliary, article or possessive
  bool still = false;        // "ancora" before the negator or in its scope: "not yet"
  bool verdict = false;      // the word being added is a hashtag: no scope reaches it
  bool idiom = false;        // the words being added are a phrase of the lexicon: no modal turns them
  bool comparative = false;  // the word being added is "meglio" or "migliore"
  bool minimum = false;      // the word being added is a minimum or an expected event (kMinimums)
  int mod_left = 0;          // words left for a pending intensifier/downtoner
  double mod = 1.0;
  int poco_left = 0;
  int degree_left = 0;                // words left after "più", "così", "tanto"
  bool counterfactual = false;        // the open negation scope holds "mai" or "potrei"
  std::size_t troppo_after = kNoHit;  // the positive hit right before "troppo" ("mi piace troppo")
  int troppo_left = 0;
  std::size_t troppo_start = 0, troppo_end = 0;

  auto finish_troppo = [&] {
    // "troppo" that reached no polar word: it says "too much" by itself.
    if (troppo_left > 0 && scope == 0) {
      if (troppo_after != kNoHit) {
        hits[troppo_after].weight *= kIntensify;  // "mi piace troppo": the chat "very" of the word before
      } else {
        hits.push_back({troppo_start, troppo_end, kTroppoAlone, kNoEntry});
        place.push_back({contrasts, at, segment});
      }
    }
    troppo_left = 0;
  };
  bool asked = false;      // the sentence being ended ends with a question mark
  bool indignant = false;  // ... with "??" and no "!"
  // The token after hit h's last one, or tok.size().
  auto next_token = [&](std::size_t h) {
    std::size_t t = place[h].token + 1;
    while (t < tok.size() && tok[t].start < hits[h].end) ++t;
    return t;
  };
  // What hit h's entry is to the rules of repairs and irony (Kind bits; 0 for a match of no entry).
  auto kind_of = [&](std::size_t h) -> std::uint8_t { return hits[h].entry == kNoEntry ? 0 : kind_[hits[h].entry]; };
  // The sentence's faults that a repair near them ended count for nothing (kRepairs): their weight
  // is set to 0 (compact() drops them). Whether one was.
  auto end_faults = [&] {
    // A fault of segment `seg` not ended yet.
    auto fault = [&](std::size_t g, std::uint32_t seg) {
      return hits[g].weight < 0 && (kind_of(g) & kFault) && place[g].segment == seg;
    };
    bool ended = false;
    for (Repair& r : repairs) {
      if (std::binary_search(still_there.begin(), still_there.end(), r.segment)) continue;
      const std::size_t first = r.token >= kRepairReach ? r.token - kRepairReach : 0;
      auto h =
          static_cast<std::size_t>(std::partition_point(place.begin() + static_cast<std::ptrdiff_t>(sentence_begin),
                                                        place.end(), [&](const Place& p) { return p.token < first; }) -
                                   place.begin());
      std::size_t nearest = kNoHit, distance = 0;  // the nearest fault: one repair ends one
      for (; h < hits.size() && place[h].token <= r.token + kRepairReach; ++h) {
        r.own = r.own || (place[h].token == r.token && hits[h].weight > 0);
        if (fault(h, r.segment)) {
          const std::size_t d = place[h].token > r.token ? place[h].token - r.token : r.token - place[h].token;
          if (nearest == kNoHit || d < distance) {
            nearest = h;
            distance = d;
          }
        }
      }
      if (nearest != kNoHit) {
        // The fault's own words: faults joined to it by "di", "della", "con" ("problema della carta
        // bloccata" is one fault; "il pezzo difettoso con un altro difettoso" is two).
        auto joined = [&](std::size_t g) {  // hits g and g + 1 are one noun phrase
          std::size_t t = next_token(g), n = 0;
          for (; t < place[g + 1].token; ++t, ++n)
            if (n == 2 || tok[t].kind != text::TokenKind::word || !written_in(tok[t].text, kOf)) return false;
          return true;
        };
        std::size_t lo = nearest, hi = nearest;
        while (lo > sentence_begin && fault(lo - 1, r.segment) && joined(lo - 1)) --lo;
        while (hi + 1 < hits.size() && fault(hi + 1, r.segment) && joined(hi)) ++hi;
        for (std::size_t g = lo; g <= hi; ++g) hits[g].weight = 0.0;
        r.ended = ended = true;
      }
    }
    return ended;
  };
  // The sentence's hits again in token order: those of weight 0 out, the repairs without a match of
  // their own that ended a fault in (kRepaired).
  auto compact = [&] {
    auto& kept = scratch.kept;
    auto& kept_place = scratch.kept_place;
    kept.clear();
    kept_place.clear();
    std::size_t r = 0;
    for (std::size_t h = sentence_begin; h <= hits.size(); ++h) {
      for (; r < repairs.size() && (h == hits.size() || repairs[r].token < place[h].token); ++r) {
        const Repair& rep = repairs[r];
        if (rep.ended && !rep.own) {
          kept.push_back({rep.start, rep.end, kRepaired, kNoEntry});
          kept_place.push_back({rep.contrasts, rep.token, rep.segment});
        }
      }
      if (h < hits.size() && hits[h].weight != 0.0) {
        kept.push_back(hits[h]);
        kept_place.push_back(place[h]);
      }
    }
    hits.resize(sentence_begin);
    place.resize(sentence_begin);
    hits.insert(hits.end(), kept.begin(), kept.end());
    place.insert(place.end(), kept_place.begin(), kept_place.end());
  };
  std::size_t sentence_token = 0;  // the sentence's first token
  // Irony (kVerdicts): the sentence's verdicts that its complaints, an ironic emoji or "eh" turn;
  // none in a sentence where a repair ended a fault ("Complimenti eh, avete risolto un problema che
  // avevo da mesi").
  auto end_irony = [&](bool repaired, bool plain) {
    const std::size_t end = hits.size();
    auto complaint = [&](std::size_t h) { return hits[h].weight < 0 && !(kind_of(h) & kIronicEmoji); };
    bool verdicts = false;
    for (std::size_t h = sentence_begin; h < end; ++h)
      verdicts = verdicts || ((kind_of(h) & (kVerdict | kClap)) && hits[h].weight > 0);
    if (!verdicts || repaired) return;
    auto turn = [&](std::size_t h) {
      if ((kind_of(h) & (kVerdict | kClap)) && hits[h].weight > 0) hits[h].weight *= kNegatePositive;
    };
    // A closing verdict: the comment's last sentence, only complaints before it and one in the
    // sentence right before it ("Ho perso il volo. Mi hanno trovato un altro biglietto. Fantastici!"
    // is praise), and nothing in it but verdicts on what the company did (kAddressedVerdicts) and
    // their fillers. Thanks closing a complaint are politeness, and close errands too ("Vorrei
    // disdire il contratto. Grazie."): not turned.
    bool closing = plain && P == 0 && N > 0 && complained_before && last_content <= at;
    for (std::size_t h = sentence_begin; h < end && closing; ++h) closing = (kind_of(h) & kAddressed) != 0;
    std::size_t h = sentence_begin;
    for (std::size_t t = sentence_token; t < tok.size() && t <= at && closing; ++t) {
      while (h < end && hits[h].end <= tok[t].start) ++h;
      const bool covered = h < end && hits[h].start <= tok[t].start;
      if (tok[t].kind == text::TokenKind::word && !covered && !written_in(tok[t].text, kVerdictFill)) closing = false;
    }
    // Clause by clause (the hits of one contrast count).
    for (std::size_t a = sentence_begin; a < end;) {
      std::size_t b = a;
      bool ironic = false, clap = false, complaint_here = false;
      std::size_t strong = kNoHit;  // the clause's first complaint of at least kMissedMinimum
      for (; b < end && place[b].contrasts == place[a].contrasts; ++b) {
        ironic = ironic || (kind_of(b) & kIronicEmoji);
        clap = clap || (kind_of(b) & kClap);
        complaint_here = complaint_here || complaint(b);
        if (strong == kNoHit && complaint(b) && hits[b].weight <= kMissedMinimum) strong = b;
      }
      for (std::size_t v = a; v < b; ++v) {
        if (!(kind_of(v) & (kVerdict | kClap)) || hits[v].weight <= 0) continue;
        bool ironic_here = closing || ironic || (clap && complaint_here);
        // "eh" after the verdict of a complaint before it in its clause, "beh" before the verdict of
        // one anywhere in it, of at least kMissedMinimum: "Ottimo eh, anche se un po' caro", "Bello
        // eh, peccato per il prezzo" and "Bello eh, ma costa troppo" are no irony.
        if (!ironic_here && strong != kNoHit && (kind_of(v) & kVerdict)) {
          const std::size_t t = place[v].token;
          ironic_here = (strong < v && word_in(tok, next_token(v), kEh)) ||
                        (t > sentence_token && word_in(tok, t - 1, kBeh)) ||
                        (t > sentence_token + 1 && word_in(tok, t - 2, kBeh));
        }
        if (ironic_here) turn(v);
      }
      a = b;
    }
  };
  // The contrast word whose clause is still without a match (kImpliedContrast).
  struct Implied {
    bool open = false;
    double weight = 0;
    std::size_t hits = 0, token = 0, start = 0, end = 0;
    std::uint32_t contrasts = 0, segment = 0;
  } implied;
  auto close_implied = [&](bool keep = true) {
    if (keep && implied.open && hits.size() == implied.hits) {
      hits.push_back({implied.start, implied.end, implied.weight, kNoEntry});
      place.push_back({implied.contrasts, implied.token, implied.segment});
    }
    implied.open = false;
  };
  // A contrast word at tok[k]: the clause before it ends, another begins. implied_by(), asked once
  // that clause is closed, is kImpliedContrast's weight when the new clause may say the other side
  // in words the lexicon does not know, else 0.
  auto open_contrast = [&](std::size_t k, auto implied_by) {
    finish_troppo();
    close_implied();
    const double implied_weight = implied_by();
    contrasted = true;
    ++contrasts;
    ++segment;
    scope = modal_left = mod_left = poco_left = degree_left = 0;
    if (implied_weight != 0.0)
      implied = {true, implied_weight, hits.size(), k, tok[k].start, tok[k].end, contrasts, segment};
  };
  // tok[k], a contrast word, announces a reservation after praise (kImpliedContrast): praise,
  // not thanks ("grazie, però volevo sapere..."), right before it in its sentence or, when it
  // opens the sentence, the one before ("Prodotto bello. Però la consegna..."); not "ma anche",
  // "ma non solo", "invece di". An event is praise here: "il rimborso è arrivato, ma di 30 euro
  // invece dei 45".
  auto reservation = [&](std::size_t k) {
    if (hits.empty() || (hits.size() == sentence_begin && k != sentence_token)) return false;
    if (hits.back().weight <= 0.0 || (kind_of(hits.size() - 1) & kThank)) return false;
    if (!written_in(tok[k].text, kReservations) || word_in(tok, k + 1, kAlso)) return false;
    if (word_in(tok, k + 1, kNon) && word_in(tok, k + 2, kOnlyWords)) return false;
    return !(written_in(tok[k].text, kInstead) && word_in(tok, k + 1, kOf, kChe));
  };
  auto end_sentence = [&](double boost) {
    close_implied(!asked);  // "Perfetto, ma allora posso passare domani?" asks
    finish_troppo();
    const bool had_repair = !repairs.empty();
    // A negative question asks to agree, it does not deny (the rhetorical question): "ma non vi
    // vergognate??", "Ma non è una vergogna?!" are complaints, and the negation that turned their
    // negatives is undone. Only when it opens with "ma" or closes with "??" (not "?!?!", which the
    // customers' generator writes after statements): "non è un problema se pago alla
    // consegna?", "non ci sono costi nascosti, vero?" ask (a review of stop 47).
    const bool opens_ma = asked && word_in(tok, sentence_token, kMa);
    if (opens_ma || (asked && indignant))
      for (const std::size_t h : unsaid) hits[h].weight /= kNegateNegative;
    // A question so asked whose words say nothing is a complaint all the same: "ma i pacchi li
    // lanciate dal furgone?", "perché devo rifare il riconoscimento ogni volta??"; not one that
    // asks for information (kEnquiry).
    if ((opens_ma || (asked && indignant)) && hits.size() == sentence_begin && sentence_token < at) {
      bool enquiry = false;
      for (std::size_t t = sentence_token; t < at && !enquiry; ++t) enquiry = word_in(tok, t, kEnquiry);
      if (!enquiry) {
        const std::size_t mark = opens_ma ? sentence_token : at;
        hits.push_back({tok[mark].start, tok[mark].end, kIndignantQuestion, kNoEntry});
        place.push_back({contrasts, mark, segment});
      }
    }
    indignant = false;
    unsaid.clear();
    bool dropped = !asked && end_faults();
    end_irony(dropped, boost == 1.0);
    // A weak positive in a complaining sentence is part of the complaint's story, not praise: "il
    // pacco è arrivato aperto e mancava un pezzo", "mi hanno risposto dopo tre giorni, assurdo"
    // read mixed. A contrast keeps both sides ("arrivato in ritardo ma funziona").
    if (!weak.empty() && contrasts == 0 &&
        std::any_of(hits.begin() + static_cast<std::ptrdiff_t>(sentence_begin), hits.end(),
                    [](const Hit& h) { return h.weight <= kMissedMinimum; })) {
      for (const std::size_t h : weak)
        if (hits[h].weight > 0) hits[h].weight = 0.0;
      dropped = true;
    }
    if (dropped || zeroed) compact();
    zeroed = false;
    then_at = kNoToken;
    weak.clear();
    repairs.clear();
    asked = false;
    double p = 0, n = 0;
    for (std::size_t h = sentence_begin; h < hits.size(); ++h) {
      double w = hits[h].weight * boost;
      if (place[h].contrasts < contrasts) w *= kBeforeContrast;
      if (place[h].contrasts > 0) w *= kAfterContrast;
      hits[h].weight = w;
      (w > 0 ? p : n) += std::abs(w);
    }
    if (hits.size() > sentence_begin) {
      last_begin = sentence_begin;
      P_last = p;
      N_last = n;
      P += p;
      N += n;
    }
    // A complaint with no contrast and no repair in its sentence ("Il volo è stato cancellato ma ci
    // hanno trovato un altro volo. Bravi!" is praise).
    complained_before = n > 0 && contrasts == 0 && !had_repair;
    sentence_begin = hits.size();
    sentence_token = at + 1;
    ++segment;
    contrasts = 0;
    scope = modal_left = mod_left = poco_left = degree_left = reason_left = 0;
  };
  auto add = [&](std::size_t start, std::size_t end, double polarity, std::uint32_t entry, std::string_view surface) {
    double w = polarity;
    if (shouted(surface)) w *= kCaps;
    if (elongated(surface)) w *= kElongated;
    if (mod_left > 0) w *= mod;
    if (verdict) {
      // "non rispondono mai #vergogna": a hashtag is a verdict of its own; the scopes go on past it.
    } else if (poco_left > 0) {
      w *= polarity > 0 ? kPoco : kPocoNegative;
    } else if (scope > 0) {
      // "Mai visto un servizio così scadente", "non potrei essere più soddisfatto": a negator
      // before a degree word says no other was as much, a superlative (Serianni, Grammatica
      // italiana XII.68: the negated comparison of "mai" and "più"); the word is intensified.
      // "non poteva andare meglio", "non potrebbe essere migliore": the comparatives are degree
      // words of their own.
      if (counterfactual && (degree_left > 0 || comparative)) {
        w *= kIntensify;
      } else {
        w *= polarity > 0 ? kNegatePositive : kNegateNegative;
        if (verbal && polarity < 0) unsaid.push_back(hits.size());
        if (verbal && minimum) w = std::min(w, kMissedMinimum);
        if (still && polarity > 0) w *= kIntensify;
      }
      // The negation ends at the first polar word it turns, the predicate it negates: "non hanno
      // risolto il problema" turned the object "problema" positive too, and a plain complaint read
      // mixed. Negative concord ("non ho mai ...", "nessun") opens a scope again. Measured on the
      // untrained default: ABSITA sentences 0.8092 -> 0.8114, SENTIPOLC tweets 0.6736 -> 0.6757.
      if (polarity != 0.0) scope = 0;
    } else if (modal_left > 0 && polarity != 0.0 && !(might && polarity > 0 && degree_left == 0 && !comparative)) {
      // What a conditional or past modal says could have been is what was missing: its clause's
      // first polar word, when positive, turns as under a negation ("poteva essere più gentile");
      // a negative one ends it ("sarebbe difficile trovare di meglio"), and so does an idiom, which
      // keeps its meaning ("sarebbe difficile fare meglio" is praise). "potrebbe" passes over a
      // plain positive word to the comparison ("potreste rispondere più velocemente").
      if (polarity > 0 && !idiom) w *= kNegatePositive;
      modal_left = 0;
    }
    mod_left = poco_left = degree_left = 0;
    troppo_left = 0;       // "troppo" intensified this word
    if (w == 0.0) return;  // a neutral phrase ("gentile cliente"): its words count for nothing
    // The fault a contact was for (kContactVerbs), kept for the comment's end.
    const bool reason =
        w < 0 && reason_left > 0 &&
        (polarity > 0 || (entry != kNoEntry && ((kind_[entry] & kFault) || terms[entry].starts_with(kNotPrefix))));
    if (w < 0 && at > 0 && hits.size() > sentence_begin && place.back().token + 1 == at && hits.back().weight > 0 &&
        (kind_of(hits.size() - 1) & kFine) &&
        (written_in(tok[at - 1].text, kFineBefore) || (at > 1 && word_in(tok, at - 2, kFineArticles)))) {
      hits.back().weight = 0.0;  // "un bel disastro" (kFineWords)
      zeroed = true;
      w *= kIntensify;
    }
    if (w > 0 && polarity <= kWeakPositive) weak.push_back(hits.size());
    hits.push_back({start, end, w, entry});
    place.push_back({contrasts, at, segment, reason});
  };
  auto step = [&] {  // a word that is not a modifier passed
    if (scope > 0) --scope;
    if (modal_left > 0) --modal_left;
    if (mod_left > 0) --mod_left;
    if (degree_left > 0) --degree_left;
    if (poco_left > 0) --poco_left;
    if (troppo_left == 1)
      finish_troppo();  // its reach ends on this word
    else if (troppo_left > 1)
      --troppo_left;
  };
  // A modal inside a negation is the negated comparison ("non poteva andare meglio": nothing could
  // be better); outside one it opens its own scope.
  // After "come" within three words it compares with what the customer has: "un'assistenza come
  // dovrebbe essere", "se tutti fossero come voi sarebbe bellissimo".
  auto modal = [&](std::string_view stem, std::size_t at) {
    if (scope > 0) {
      counterfactual = true;
      return;
    }
    for (std::size_t k = at; k > 0 && k + 3 > at; --k)
      if (written_in(tok[k - 1].text, kCome)) return;
    modal_left = kNegationScope;
    might = std::ranges::find(might_, stem) != might_.end();
  };
  // Whether a word of this role and stem is a modal as written: "poteva" is, "potuto" (the same
  // stem) is not; "doveva" has dove's stem, a clause word's.
  auto is_modal = [&](Role role, std::string_view stem, std::string_view written) {
    if (role == Role::modal) return stem != pot_ || written_in(written, kPastModals);
    return role == Role::clause && !clause_word(written) && written_in(written, kPastModals);
  };

  std::string stem;
  for (std::size_t i = 0; i < tok.size(); ++i) {
    const auto& t = tok[i];
    at = i;
    verdict = false;
    switch (t.kind) {
      case text::TokenKind::punct: {
        const std::string_view s = t.text;
        const auto bangs = static_cast<std::size_t>(std::count(s.begin(), s.end(), '!'));
        if (bangs) exclaim = true;
        if (s.find('?') != std::string_view::npos) question = true;
        if (s.find_first_of(".!?;:") != std::string_view::npos || s.find("\xE2\x80\xA6") != std::string_view::npos) {
          asked = s.find('?') != std::string_view::npos;
          indignant = std::count(s.begin(), s.end(), '?') >= 2 && bangs == 0;
          end_sentence(bangs >= 2 || (bangs && s.size() >= 2) ? kExclaimRun : bangs ? kExclaim : 1.0);
        } else {  // a comma, a dash, a bracket: the negation scope and pending modifiers end
          finish_troppo();
          scope = modal_left = mod_left = poco_left = degree_left = reason_left = 0;
          ++segment;
        }
        continue;
      }
      case text::TokenKind::emoticon: {
        const double p = emoticon_polarity(t.text);
        if (p != 0.0) {
          hits.push_back({t.start, t.end, p, kNoEntry});
          place.push_back({contrasts, at, segment});
        }
        continue;
      }
      case text::TokenKind::emoji: {
        const Word* w = nullptr;
        if ((w = word(t.norm)) == nullptr) {  // a run of one emoji: look up one of it
          const std::string_view s = t.norm;
          for (std::size_t len = 1; len * 2 <= s.size() && !w; ++len) {
            if (s.size() % len) continue;
            bool run = true;
            for (std::size_t k = len; k < s.size() && run; k += len) run = s.compare(k, len, s.substr(0, len)) == 0;
            if (run) w = word(s.substr(0, len));
          }
        }
        if (w) {
          hits.push_back({t.start, t.end, w->polarity, w->entry});
          place.push_back({contrasts, at, segment});
        }
        continue;
      }
      case text::TokenKind::word:
      case text::TokenKind::hashtag:
        break;
      case text::TokenKind::number: {
        const auto [polarity, last] = rating(tok, i);
        if (polarity != 0.0) {
          // A low rating under a negation is still a complaint: "non merita neanche 1 stella".
          if (polarity < 0) scope = 0;
          add(t.start, tok[last].end, polarity, kNoEntry, text.substr(t.start, tok[last].end - t.start));
          i = last;
        }
        continue;
      }
      default:
        continue;  // URLs, e-mails, mentions, symbols
    }
    std::string_view norm = t.norm;  // the word's stem; a hashtag's without its '#' (#delusione: delusion)
    if (t.kind == text::TokenKind::hashtag && norm.starts_with('#') && norm.size() > 1) {
      stem = tokenizer.stem(norm.substr(1));
      norm = stem;
    }
    verdict = t.kind == text::TokenKind::hashtag;
    if (norm.empty()) continue;

    if (scope > 0 && !counterfactual && std::ranges::find(could_, norm) != could_.end()) counterfactual = true;
    const Key* entry = find(norm);
    const Role role = entry ? entry->role : Role::none;
    if (reason_left > 0) --reason_left;
    if (entry && (entry->marks & kContact) && t.kind == text::TokenKind::word) {
      contact_at = i;
      contact_segment = segment;
    } else if (contact_at != kNoToken && i <= contact_at + kContactReach && segment == contact_segment &&
               t.kind == text::TokenKind::word && written_in(t.text, kReasons)) {
      reason_left = kReasonReach;  // "ho chiamato per un problema", "perché internet non andava"
      contact_at = kNoToken;
    }
    if (entry && (entry->marks & (kHope | kStillThere)) && t.kind == text::TokenKind::word && !clause_word(t.text)) {
      if ((entry->marks & kHope) && written_in(t.text, kHoped)) hoped = segment;  // "speravo fosse risolto"
      if ((entry->marks & kStillThere) && written_in(t.text, kStaying) &&
          (still_there.empty() || still_there.back() != segment))
        still_there.push_back(segment);  // "il problema rimane"
    }
    // A past contrasted with now (kThen ... kNow): the past's words count for nothing. "volte"
    // has volta's stem: an errand done again and again (kRepeatedEffort).
    if (entry && (entry->marks & kThenNow) && t.kind == text::TokenKind::word) {
      if (repeated_effort(i)) {
        add(tok[i - 1].start, t.end, kRepeatedEffort, kNoEntry,
            text.substr(tok[i - 1].start, t.end - tok[i - 1].start));
        continue;
      }
      if (then_at == kNoToken) {
        if (past_marker(i)) then_at = i;
      } else if (written_in(t.text, kNow) && !word_in(tok, i + 1, kAlso)) {  // "ora anche": it goes on
        // After the marker (hits are in token order): each hit is passed once, the marker moves on.
        // An idiom that starts at the marker says the change itself ("prima funzionava", "prima
        // era meglio") and stays.
        const auto from = std::partition_point(place.begin() + static_cast<std::ptrdiff_t>(sentence_begin), place.end(),
                                               [&](const Place& p) { return p.token <= then_at; });
        double past = 0;
        for (auto h = static_cast<std::size_t>(from - place.begin()); h < hits.size(); ++h) {
          past += hits[h].weight;
          hits[h].weight = 0.0;
        }
        zeroed = true;
        then_at = kNoToken;
        // A present that says nothing the lexicon knows is the past's opposite ("prima era veloce,
        // ora ci mette ore"), unless it says "more of it" ("ora lo è ancora di più").
        bool more = false;
        for (std::size_t k = i + 1; k < tok.size() && k <= i + 3; ++k) more = more || word_in(tok, k, kAlso, kStill);
        open_contrast(i, [&] { return past == 0.0 || more ? 0.0 : past > 0 ? -kImpliedContrast : kImpliedContrast; });
        continue;
      }
    }
    // A repair outside a negation's or a modal's scope (kRepairs), kept for the sentence's end.
    auto repair = [&](std::size_t j) {
      if (scope > 0 || modal_left > 0 || hoped == segment || tok[j].kind != text::TokenKind::word ||
          !written_in(tok[j].text, kRepairs))
        return;
      // "corretto" after an auxiliary, a clitic or a fault ("bolletta errata corretta subito").
      if (written_in(tok[j].text, kCorrected) && !(j > 0 && (word_in(tok, j - 1, kBeforeCorrected, kFaults)))) return;
      for (std::size_t k = j; k > 0 && k + 4 > j; --k)  // "non e stato risolto": "e" is no "è" to the scope
        if (word_in(tok, k - 1, kNotRepaired) && !word_in(tok, k, kOnlyWords)) return;
      if (j > 0 && word_in(tok, j - 1, kPartly)) return;  // "parzialmente risolto"
      for (std::size_t k = j + 1; k < tok.size() && k <= j + 3; ++k)
        if (word_in(tok, k, kNothingRepaired) || (k <= j + 2 && word_in(tok, k, kPartly)) ||
            (word_in(tok, k, kAlone) && word_in(tok, k - 1, kDa)))
          return;
      repairs.push_back({i, tok[j].start, tok[j].end, contrasts, segment});
    };
    if (entry && (entry->marks & kRepair)) repair(i);
    // The longest phrase that starts here.
    if (entry && !entry->phrases.empty() && i + 1 < tok.size() && content(tok[i + 1])) {
      // The longest of the word's phrases that tok[first] and the tokens after it continue.
      const auto longest = [&](std::size_t first, std::size_t& last) -> const Phrase* {
        const std::string_view next = tok[first].norm;
        const auto from = std::lower_bound(entry->phrases.begin(), entry->phrases.end(), next,
                                           [](const Phrase& p, std::string_view n) { return p.stems[0] < n; });
        for (auto p = from; p != entry->phrases.end() && p->stems[0] == next; ++p) {
          std::size_t j = first, k = 1;
          for (; k < p->stems.size(); ++k) {
            ++j;
            if (j >= tok.size() || !content(tok[j]) || tok[j].norm != p->stems[k]) break;
          }
          if (k == p->stems.size()) {
            last = j;
            return &*p;
          }
        }
        return nullptr;
      };
      std::size_t last = i;
      const Phrase* found = longest(i + 1, last);
      double adverb = 1.0;
      // An intensifier or a downtoner after the idiom's first word modifies the idiom, which stays
      // one ("lascia davvero a desiderare", "ne è valsa assolutamente la pena": the words alone
      // read "pena" as a complaint).
      if (!found && i + 2 < tok.size() && content(tok[i + 2])) {
        const Key* m = find(tok[i + 1].norm);
        if (m && (m->role == Role::intensifier || m->role == Role::downtoner) && (found = longest(i + 2, last))) {
          adverb = m->role == Role::intensifier ? kIntensify : kDowntone;
          // "mai visto un servizio così lento": the skipped "così" is still the degree word.
          if (tok[i + 1].norm == so_[0] || tok[i + 1].norm == so_[1]) degree_left = kModifierReach;
        }
        // "un po'", the downtoner of two words: "prezzo un po' alto".
        if (!found && i + 3 < tok.size() && content(tok[i + 3]) && written_in(tok[i + 1].text, kUn)) {
          const Key* po = find(tok[i + 2].norm);
          if (po && po->role == Role::downtoner && (found = longest(i + 3, last))) adverb = kDowntone;
        }
      }
      if (found) {
        // An idiom that starts with a negator ("non vedo l'ora") carries its own meaning.
        if (role == Role::negator) scope = modal_left = mod_left = poco_left = degree_left = 0;
        if (found->polarity > 0)  // "problema risolto", "tutto sistemato": a repair inside the idiom
          for (std::size_t j = i + 1; j <= last; ++j) repair(j);
        idiom = true;
        add(t.start, tok[last].end, found->polarity * adverb, found->entry,
            text.substr(t.start, tok[last].end - t.start));
        idiom = false;
        i = last;
        step();
        // One that starts with a modal still reaches on: "avrebbero dovuto essere più gentili".
        if (is_modal(role, norm, t.text)) modal(norm, i);
        continue;
      }
    }

    // A change asked for, unless a phrase of the lexicon holds it ("da rifare").
    if (entry && entry->marks && t.kind == text::TokenKind::word) {
      bool unturned = false;
      const std::size_t last = suggestion(tok, i, *entry, unturned);
      // A wait ("da 8 giorni") extends a complaint: the sentence's last match so far is one ("la
      // pratica è ferma da 20 giorni"; "uso l'app da 2 mesi, perfetta" and "nessun problema da 3
      // mesi" wait for nothing).
      const bool wait_ok = hits.size() > sentence_begin && hits.back().weight < 0;
      if (last < tok.size() && (!unturned || wait_ok)) {
        if (unturned) scope = 0;
        add(t.start, tok[last].end, kSuggestion, kNoEntry, text.substr(t.start, tok[last].end - t.start));
        // A modal's scope goes on past its request: "avrei preferito un servizio più veloce"
        // still turns "veloce".
        if (is_modal(role, norm, t.text)) modal(norm, last);
        i = last;
        continue;
      }
    }

    switch (role) {
      case Role::negator:
        // A number is no denial: "prodotti a chilometro zero", "tasso zero".
        if (i > 0 && word_in(tok, i - 1, kZeroNumber) && written_in(t.text, kZero)) break;
        // "non solo ... ma anche" is not a negation.
        if (norm == "non" && i + 1 < tok.size() && (tok[i + 1].norm == only_[0] || tok[i + 1].norm == only_[1]))
          continue;
        // Concord keeps a "mai" of the scope ("non ho mai visto"); a new negation starts afresh.
        counterfactual = (scope > 0 && counterfactual) || norm == never_;
        verbal = (scope > 0 && verbal) || norm == "non" || norm == "nn" ||
                 (written_in(t.text, kNobody) && word_in(tok, i + 1, kClitics));
        if (scope == 0) verb_seen = false;
        still = (scope > 0 && still) || (i > 0 && word_in(tok, i - 1, kStill));
        if (written_in(t.text, kZero)) {
          // "zero" denies the noun after it alone ("zero spese come promesso" is praise), and a
          // wish with what it wishes ("zero voglia di aiutare").
          scope = word_in(tok, i + 1, kWish) ? kNegationScope : 1;
          continue;
        }
        // "(non ...) per niente", "per nulla": not at all, an intensified negation.
        if (i > 0 && written_in(t.text, kNothing) && written_in(tok[i - 1].text, kPer)) {
          mod = kIntensify;
          mod_left = kModifierReach;
        }
        scope = kNegationScope;
        continue;
      case Role::contrast:
        if (written_in(t.text, kPer)) break;  // "per" has però's stem: a word like any other
        open_contrast(i, [&] { return reservation(i) ? -kImpliedContrast : 0.0; });
        continue;
      case Role::intensifier:
        if (norm == so_[0] && written_in(t.text, kThings)) break;  // "la cosa": a word like any other
        mod = kIntensify;
        mod_left = kModifierReach;
        if (norm == so_[0]) modal_left = 0;  // "magari fossero tutti così gentili": compared with this one
        if (norm == so_[0] || norm == so_[1]) degree_left = kModifierReach;
        continue;
      case Role::degree:
        // "non potrei più consigliarlo": "più" right after "potrei" is "no longer", a negation.
        if (i == 0 || std::ranges::find(could_, tok[i - 1].norm) == could_.end()) degree_left = kModifierReach;
        continue;
      case Role::downtoner:
        mod = kDowntone;
        mod_left = kModifierReach;
        continue;
      case Role::poco:
        // "meno" with nothing to lessen after praise: the comparison left unsaid ("il negozio è
        // stupendo, il personale un po' meno", "Comodo l'orario continuato, meno la pulizia dei
        // bagni") is a complaint.
        if (written_in(t.text, kMeno) && hits.size() > sentence_begin && hits.back().weight > 0 &&
            (i + 1 == tok.size() || !content(tok[i + 1]) || tok[i + 1].kind == text::TokenKind::emoji ||
             tok[i + 1].kind == text::TokenKind::emoticon || word_in(tok, i + 1, kDefinite))) {
          hits.push_back({t.start, t.end, kLessSo, kNoEntry});
          place.push_back({contrasts, i, segment});
        }
        poco_left = kModifierReach;  // and it lessens what it names: "meno la pulizia"
        continue;
      case Role::troppo:
        troppo_after = !hits.empty() && hits.back().weight > 0 && i > 0 && hits.back().end == tok[i - 1].end &&
                               hits.size() > sentence_begin
                           ? hits.size() - 1
                           : kNoHit;
        mod = kIntensify;
        mod_left = kModifierReach;
        troppo_left = kModifierReach;
        troppo_start = t.start;
        troppo_end = t.end;
        continue;
      case Role::modal:
        if (!is_modal(role, norm, t.text)) break;  // potuto, potere: a word like any other
        modal(norm, i);
        continue;
      case Role::magari:
        // "magari funzionasse", "magari fosse veloce": "magari" and an imperfect subjunctive (-sse,
        // -ssero, -ssi) within two words is a wish for what is missing; alone it is "perhaps".
        for (std::size_t k = i + 1; k < tok.size() && k <= i + 2 && content(tok[k]); ++k) {
          const std::string_view v = tok[k].text;
          if (v.size() >= 5 && (v.ends_with("sse") || v.ends_with("ssero") || v.ends_with("ssi"))) {
            modal(norm, i);
            break;
          }
        }
        continue;
      case Role::clause:
        if (!clause_word(t.text)) {
          if (is_modal(role, norm, t.text)) {
            modal(norm, i);
            continue;
          }
          break;  // "dovuto" (stem dov, as dove's): a word like any other
        }
        finish_troppo();
        scope = modal_left = mod_left = poco_left = degree_left = 0;
        if (++segment, entry->marks & kHope) hoped = segment;  // "se" opens a hope
        continue;
      case Role::none:
        break;
    }

    if (entry && (entry->marks & kExpect) && t.kind == text::TokenKind::word && i > 0 &&
        ((written_in(tok[i - 1].text, kMi) && written_in(t.text, kIExpect)) ||
         (written_in(tok[i - 1].text, kTi) && written_in(t.text, kYouExpect)) ||
         (written_in(tok[i - 1].text, kSi) && written_in(t.text, kOneExpects)))) {
      bool same = false;
      for (std::size_t k = i + 1; k < tok.size() && k <= i + 3; ++k) same = same || word_in(tok, k, kSame);
      if (!same) {
        modal(norm, i);  // "mi aspetto un servizio migliore"
        continue;
      }
    }
    const Word* w = entry && entry->word.entry != kNoEntry ? &entry->word : nullptr;
    if (entry && !entry->forms.empty() && t.text.size() <= kFormMax) {  // a form as written wins
      char buf[kFormMax];
      const std::string_view form = clause_form(t.text, buf);
      for (const auto& [written, word] : entry->forms)
        if (written == form) w = &word;
    }
    if (w && w->polarity == 0.0) w = nullptr;  // a neutral word ("cancello"): no match, a word like any other
    if (w && (entry->marks & kExpect) && i > 0 && written_in(t.text, kAspectNouns) &&
        written_in(tok[i - 1].text, kDeterminers))
      w = nullptr;  // "l'aspetto delle camere"
    if (!w && entry && (entry->marks & kDated) && written_in(t.text, kDatedForms)) {
      add(t.start, t.end, kDatedPolarity, kNoEntry, t.text);
      continue;
    }
    double boost = 1.0;
    if (!w && norm.size() > 7 && norm.ends_with("issim")) {  // superlative: comodissima → comod(o)
      const std::string base(norm.substr(0, norm.size() - 5));
      w = word(base);
      for (const char* ending : {"o", "e"})
        if (!w) w = word(tokenizer.stem(base + ending));
      boost = kSuperlative;
    }
    if (!w && scope > 0 && verbal && (still || counterfactual) && entry && (entry->marks & kExpected) &&
        t.kind == text::TokenKind::word && !written_in(t.text, kTimePassed) && !own_action(i)) {
      // "il rimborso non è ancora stato accreditato", "ancora non è partito": an expected event
      // not come yet is a complaint as its negated minimum is (kNotYet).
      minimum = true;
      add(t.start, t.end, kNotYet, kNoEntry, t.text);
      minimum = false;
      continue;
    }
    if (w) {
      // "non hanno capito il mio problema": the negation is the verb's, not its object's ("mai un
      // loro ritardo" is a noun's, "non c'è mai stato un loro ritardo" has no verb but the
      // existential: still turned).
      if (scope > 0 && verbal && verb_seen && w->polarity < 0 && i > 0 && written_in(tok[i - 1].text, kPossessives))
        scope = 0;
      comparative = norm == better_[0] || norm == better_[1];
      double polarity = w->polarity * boost;
      // "migliorabile", "migliorabili": what can still be improved is not good yet (the stem is
      // migliore's).
      if (norm == better_[1] && (t.text.ends_with("abile") || t.text.ends_with("abili"))) polarity = -polarity;
      minimum = w->minimum;
      add(t.start, t.end, polarity, w->entry, t.text);
      comparative = minimum = false;
    } else {
      if (scope > 0 && written_in(t.text, kStill))
        still = true;
      else if (scope > 0 && !written_in(t.text, kNoVerb, kPossessives))
        verb_seen = true;
      step();
    }
  }
  end_sentence(1.0);
  // The faults contacts were for (kContactVerbs), when praise comes after them, count for nothing.
  if (const auto praise = std::find_if(hits.rbegin(), hits.rend(), [](const Hit& h) { return h.weight > 0; });
      praise != hits.rend()) {
    const auto last_praise = static_cast<std::size_t>(hits.rend() - praise) - 1;
    std::size_t out = 0;
    for (std::size_t h = 0; h < hits.size(); ++h) {
      if (place[h].reason && h < last_praise) {
        N += hits[h].weight;  // its weight is negative
        if (h >= last_begin) N_last += hits[h].weight;
        if (h < last_begin) --last_begin;
        continue;
      }
      hits[out] = hits[h];
      place[out++] = place[h];
    }
    hits.resize(out);
    place.resize(out);
  }
  // A misfortune put right (kMisfortunes, or the first clause of a story told from its start,
  // kBackstory): its complaints weigh kMisfortuneTold.
  if (!contrasted && !hits.empty() && hits.back().weight >= kPraise && !(kind_of(hits.size() - 1) & kThank) &&
      std::ranges::any_of(hits, [](const Hit& h) { return h.weight < 0; })) {
    const std::size_t backstory = story_told(tok, text.size());
    if (std::ranges::all_of(hits, [&](const Hit& h) {
          return h.weight >= 0 || h.end <= backstory || (h.entry != kNoEntry && (kind_[h.entry] & kMisfortune));
        }))
      for (std::size_t h = 0; h < hits.size(); ++h) {
        if (hits[h].weight >= 0) continue;
        const double cut = -hits[h].weight * (1.0 - kMisfortuneTold);
        hits[h].weight *= kMisfortuneTold;
        N -= cut;
        if (h >= last_begin) N_last -= cut;
      }
  }

  const double n_hits = static_cast<double>(hits.size());
  features[0] = std::log1p(P);
  features[1] = std::log1p(N);
  features[2] = std::log1p(std::min(P, N));
  features[3] = std::log1p(P_last);
  features[4] = std::log1p(N_last);
  features[5] = (P - N) / (P + N + 1.0);
  features[6] = std::log1p(n_hits);
  // No feature of the text's length: on the calibration set (comments composed of clauses) the
  // length told mixed from positive, which made a short "gentile ma lento" positive.
  // "!" and "?" strengthen what the words say (Hutto & Gilbert 2014): alone they say nothing
  // ("Consegnato!" read negative when they counted by themselves).
  features[7] = exclaim && n_hits > 0 ? 1.0 : 0.0;
  features[8] = question && n_hits > 0 ? 1.0 : 0.0;
}

std::vector<std::string> SentimentClassifier::lexicon_feature_names() {
  return {"log1p_positive",      "log1p_negative",      "log1p_min_positive_negative",
          "log1p_positive_last", "log1p_negative_last", "balance",
          "log1p_matches",       "exclamation",         "question"};
}

}  // namespace perche

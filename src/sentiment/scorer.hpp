// SPDX-License-Identifier: Apache-2.0
// The sentiment lexicon's index and the rules that read a comment through it (private).
#pragma once

#include <perche/sentiment.hpp>
#include <perche/text.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../common/string_map.hpp"

namespace perche {

struct SentimentClassifier::Scorer {
  // One lexicon match after the rules.
  struct Hit {
    std::size_t start, end;  // bytes of the text
    double weight;           // the polarity that counted
    std::uint32_t entry;     // lexicon entry, or kNoEntry for an emoticon (its text is the term)
  };
  static constexpr std::uint32_t kNoEntry = 0xFFFFFFFFu;

  explicit Scorer(const SentimentLexicon& lexicon);

  // The kLexiconFeatures features of a text into `features`; the matches into `hits` when given.
  // Linear in the text's length.
  // `tokens`: the text's tokens as the rules read them (words' norm: their stem), when given.
  // `segmented`: *tokens holds the text's tokens as segmented by a tokenizer with the options
  // shares_segmentation() checks (TermReader::read's `segmented`): they are normalized in place
  // instead of segmenting the text a second time.
  void score(std::string_view text, std::span<double> features, std::vector<Hit>* hits = nullptr,
             std::vector<text::Token>* tokens = nullptr, bool segmented = false) const;
  // Whether `other` segments a text as this scorer's tokenizer does (the same split_elisions and
  // utf8 options), so that its tokens can be passed as `segmented`.
  bool shares_segmentation(const text::Tokenizer& other) const;

  std::vector<std::string> terms;  // the lexicon's terms, by entry
  text::Tokenizer tokenizer;       // case folding, accent fixing, elisions split, stems; keeps every word

 private:
  struct Phrase {
    std::vector<std::string> stems;  // of the words after the first
    double polarity;
    std::uint32_t entry;
  };
  struct Word {
    double polarity;
    std::uint32_t entry;
    bool minimum = false;  // a minimum or an expected event: its verb's negation is a complaint
  };
  enum class Role : std::uint8_t {
    none,
    negator,
    intensifier,
    downtoner,
    poco,
    troppo,
    contrast,
    clause,
    degree,
    modal,   // a conditional or past modal: "potrebbe", "avrebbero", "dovrebbe", "poteva"
    magari,  // "magari": with a subjunctive after it, a wish for what is missing
  };

  // What a stem is to the rules of a change asked for and of what was due (suggestion()), a bit each.
  enum Mark : std::uint16_t {
    kChange = 1,         // a verb of change or repair: migliorare, sistemare, rivedere, cambiare
    kDeontic = 2,        // what has to be done: va, andrebbe, deve, bisognerebbe
    kTodo = 4,           // "da" before an infinitive: "da sistemare"
    kAdvise = 8,         // consiglierei, suggerisco: "consiglierei di rivedere"
    kWouldHave = 16,     // avrei, avremmo: "avrei preferito"
    kDated = 32,         // "datato" as written: its stem is dato's and data's
    kNotHurt = 64,       // "non" before "guasterebbe": "non guasterebbe un phon"
    kDuty = 128,         // "doveva", "dovuto" (dovere's stem, dove's too): "doveva venire", "ho dovuto chiamare"
    kExpected = 256,     // an event the customer waits for: arrivare, venire, richiamare, rimborsare
    kEffort = 512,       // an effort the customer had to make: chiamare, aspettare, pagare
    kRepair = 1024,      // a repair, as written: risolto, corretto, sostituito (kRepairs)
    kExpect = 2048,      // aspettare's forms: "mi aspetto" (kExpectForms), "l'aspetto" (kAspectNouns)
    kHope = 4096,        // a repair hoped for, not done: se, speravo, fosse (kHoped)
    kStillThere = 8192,  // the fault is still there: resta, rimane, persiste (kStaying)
    kThenNow = 16384,    // a past told to contrast it with now: prima, una volta (kThen); ora, adesso (kNow)
    kContact = 32768     // a contact with the company, whose reason is told next: ho chiamato (kContactVerbs)
  };
  // What a stem is to the rules: its single-word entry, its role, its marks, the phrases it starts.
  // One lookup of a word's stem answers them all (three maps cost a quarter of the scorer's time).
  struct Key {
    Word word{0.0, kNoEntry};  // entry kNoEntry: no single-word entry
    Role role = Role::none;
    std::uint16_t marks = 0;      // Mark bits
    std::vector<Phrase> phrases;  // longest first
    // Later single-word entries of the stem, each matched as written (folded as clause_form()
    // folds): "cancello" (a gate) beside "cancellato", whose stem it has.
    std::vector<std::pair<std::string, Word>> forms;
  };
  const Key* find(std::string_view stem) const;
  // A change asked for that starts at tok[i], whose key is `key` ("va migliorata", "andrebbe
  // rinnovato", "da sistemare", "cambierei i materassi", "consiglio di rivedere", "avrei
  // preferito"), or what was due and did not come ("doveva venire", "da 8 giorni"): its last token,
  // or tok.size() when there is none; `unturned` tells that it is a wait, which no negation turns
  // and which counts only after a complaint in its sentence ("non funziona da una settimana").
  std::size_t suggestion(const std::vector<text::Token>& tok, std::size_t i, const Key& key, bool& unturned) const;
  // A rating written with digits at tok[i] ("8/10", "voto 8", "2 su 10.", "5 stelle"): its polarity
  // (0 when it is none) and its last token.
  std::pair<double, std::size_t> rating(const std::vector<text::Token>& tok, std::size_t i) const;
  const Word* word(std::string_view stem) const;

  // What an entry is to the rules of repairs and irony, a bit each.
  enum Kind : std::uint8_t {
    kFault = 1,        // a negative entry that names a fault (kFaults): "problema", "carta bloccata"
    kVerdict = 2,      // praise said as a verdict (kVerdicts): "complimenti", "bravi", "geniale"
    kIronicEmoji = 4,  // an emoji that says the praise beside it is meant the other way: 🙃 🙄 😒
    kClap = 8,         // 👏: applause, ironic beside a complaint
    kAddressed = 16,   // a verdict on what the company did (kAddressed): complimenti, bravi, geniale
    kMisfortune = 32,  // what befell the customer (kMisfortunes): incidente, furto, volo cancellato
    kFine = 64,        // "bello" right before a complaint intensifies it: "un bel disastro" (kFineWords)
    kThank = 128  // thanks ("grazie", "grazie mille"...): politeness, no praise a reservation or a misfortune needs
  };
  std::vector<std::uint8_t> kind_;  // Kind bits, by entry
  detail::StringMap<Key> keys_;  // by stem; the first single-word entry with a stem wins; a word with a role has none
  std::array<std::string, 2> only_;    // "solo", "soltanto": "non solo" is no negation
  std::string never_;                  // "mai": with a degree word, a superlative ("mai visto così sporco")
  std::array<std::string, 2> so_;      // "così", "tanto": intensifiers that are degree words too
  std::array<std::string, 4> could_;   // "potrei", "potremmo", "potevo", "potevamo": "non potrei essere più contento"
  std::array<std::string, 2> star_;    // "stella", "stelle": "5 stelle" is a rating
  std::string pot_;                    // potere's stem ("poteva", "potuto", "potere"): a modal only as "poteva"...
  std::array<std::string, 2> better_;  // "meglio", "migliore": comparatives without "più"
  std::vector<std::string> errands_;   // the stems of kErrands: "ho chiamato 5 volte"
  std::array<std::string, 3> might_;   // "potrebbe", "potrebbero", "potreste": a modal only before a comparison
};

}  // namespace perche

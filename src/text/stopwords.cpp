// SPDX-License-Identifier: Apache-2.0
// Snowball's Italian stopword list (https://snowballstem.org/algorithms/italian/stop.txt,
// BSD-3-Clause, Copyright (c) 2001 Dr Martin Porter and Richard Boulton), the list NLTK ships too,
// with the two words that carry polarity in customer comments removed: "non" and "più". The
// other negators and sentiment words (mai, niente, nessuno, senza, né, bene, male, meglio,
// peggio, poco, troppo, molto, purtroppo) are not on Snowball's list, so they stay terms.
#include <string>
#include <vector>

#include "perche/text.hpp"

namespace perche::text {

std::vector<std::string> italian_stopwords() {
  return {// articles and articulated prepositions (elided forms without their apostrophe: dell, l)
          "ad", "al", "allo", "ai", "agli", "all", "agl", "alla", "alle", "con", "col", "coi", "da", "dal", "dallo",
          "dai", "dagli", "dall", "dagl", "dalla", "dalle", "di", "del", "dello", "dei", "degli", "dell", "degl",
          "della", "delle", "in", "nel", "nello", "nei", "negli", "nell", "negl", "nella", "nelle", "su", "sul",
          "sullo", "sui", "sugli", "sull", "sugl", "sulla", "sulle", "per", "tra", "contro",
          // pronouns and determiners
          "io", "tu", "lui", "lei", "noi", "voi", "loro", "mio", "mia", "miei", "mie", "tuo", "tua", "tuoi", "tue",
          "suo", "sua", "suoi", "sue", "nostro", "nostra", "nostri", "nostre", "vostro", "vostra", "vostri", "vostre",
          "mi", "ti", "ci", "vi", "lo", "la", "li", "le", "gli", "ne", "il", "un", "uno", "una",
          // conjunctions, adverbs, relatives
          "ma", "ed", "se", "perché", "anche", "come", "dov", "dove", "che", "chi", "cui", "quale", "quanto", "quanti",
          "quanta", "quante", "quello", "quelli", "quella", "quelle", "questo", "questi", "questa", "queste", "si",
          "tutto", "tutti", "a", "c", "e", "i", "l", "o",
          // avere
          "ho", "hai", "ha", "abbiamo", "avete", "hanno", "abbia", "abbiate", "abbiano", "avrò", "avrai", "avrà",
          "avremo", "avrete", "avranno", "avrei", "avresti", "avrebbe", "avremmo", "avreste", "avrebbero", "avevo",
          "avevi", "aveva", "avevamo", "avevate", "avevano", "ebbi", "avesti", "ebbe", "avemmo", "aveste", "ebbero",
          "avessi", "avesse", "avessimo", "avessero", "avendo", "avuto", "avuta", "avuti", "avute",
          // essere
          "sono", "sei", "è", "siamo", "siete", "sia", "siate", "siano", "sarò", "sarai", "sarà", "saremo", "sarete",
          "saranno", "sarei", "saresti", "sarebbe", "saremmo", "sareste", "sarebbero", "ero", "eri", "era", "eravamo",
          "eravate", "erano", "fui", "fosti", "fu", "fummo", "foste", "furono", "fossi", "fosse", "fossimo", "fossero",
          "essendo",
          // fare
          "faccio", "fai", "facciamo", "fanno", "faccia", "facciate", "facciano", "farò", "farai", "farà", "faremo",
          "farete", "faranno", "farei", "faresti", "farebbe", "faremmo", "fareste", "farebbero", "facevo", "facevi",
          "faceva", "facevamo", "facevate", "facevano", "feci", "facesti", "fece", "facemmo", "faceste", "fecero",
          "facessi", "facesse", "facessimo", "facessero", "facendo",
          // stare
          "sto", "stai", "sta", "stiamo", "stanno", "stia", "stiate", "stiano", "starò", "starai", "starà", "staremo",
          "starete", "staranno", "starei", "staresti", "starebbe", "staremmo", "stareste", "starebbero", "stavo",
          "stavi", "stava", "stavamo", "stavate", "stavano", "stetti", "stesti", "stette", "stemmo", "steste",
          "stettero", "stessi", "stesse", "stessimo", "stessero", "stando"};
}

std::vector<std::string> negators() {
  return {"non", "mai", "niente", "nulla", "nessuno", "nessuna", "né", "senza", "nemmeno", "neanche", "neppure"};
}

}  // namespace perche::text

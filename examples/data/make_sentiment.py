# SPDX-License-Identifier: Apache-2.0
"""Generate perche's synthetic Italian sentiment calibration set (sentiment.csv).

Every comment is invented: clauses written by the perche team (this file, plus the
contact-centre phrases of make_survey.py) composed into customer comments about
contact centres, hotels, shops, deliveries, banks, restaurants and public offices.
The label is the sentiment of what was composed: `positive` (only praise),
`negative` (only complaints), `mixed` (praise and a complaint, usually joined by
ma/però/anche se) and `neutral` (facts, requests, questions, contact reasons).
Nothing is copied from a real review or a public dataset, and no evaluation set
was looked at to write or tune it.

Usage:  python3 make_sentiment.py [--rows 3000] [--seed 2026] [--out sentiment.csv]

The output is byte-for-byte identical for the same --rows and --seed
(standard library only; no set iteration, no hash-dependent ordering).
"""

import argparse
import csv
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_survey as survey  # noqa: E402  (its contact-centre phrases, fill() and noise tables)

LABELS = ["positive", "negative", "neutral", "mixed"]
LABEL_W = [35, 35, 15, 15]

# ---------------------------------------------------------------------------
# Aspect clauses: a subject and an adjective that agrees with it
# ---------------------------------------------------------------------------

# Adjectives by aspect kind, masculine singular; `sup` ones also take -issimo.
ADJ = {
    "people": {"pos": ["gentile", "cortese", "disponibile", "preparato", "competente", "simpatico",
                       "professionale", "paziente", "cordiale", "attento", "bravo", "chiaro"],
               "neg": ["scortese", "sbrigativo", "maleducato", "incompetente", "arrogante",
                       "impreparato", "sgarbato", "svogliato", "antipatico", "superficiale"]},
    "room": {"pos": ["pulito", "spazioso", "luminoso", "silenzioso", "accogliente", "curato",
                     "confortevole", "moderno", "ordinato"],
             "neg": ["sporco", "rumoroso", "buio", "trascurato", "angusto", "vecchio", "umido",
                     "squallido", "fatiscente"]},
    "bed": {"pos": ["comodo", "morbido", "pulito"], "neg": ["scomodo", "duro", "sporco", "rotto"]},
    "service": {"pos": ["veloce", "rapido", "efficiente", "puntuale", "preciso", "impeccabile",
                        "ottimo", "eccellente"],
                "neg": ["lento", "disorganizzato", "confuso", "inefficiente", "pessimo", "caotico",
                        "approssimativo", "scadente"]},
    "product": {"pos": ["robusto", "comodo", "bello", "resistente", "perfetto", "ottimo", "valido",
                        "curato"],
                "neg": ["fragile", "scadente", "difettoso", "scomodo", "rotto", "pessimo",
                        "deludente", "brutto"]},
    "food": {"pos": ["buono", "saporito", "fresco", "abbondante", "delizioso", "ottimo", "squisito",
                     "gustoso"],
             "neg": ["insipido", "freddo", "scarso", "pessimo", "immangiabile", "salato",
                     "stantio", "bruciato"]},
    "price": {"pos": ["conveniente", "onesto", "giusto", "competitivo", "ottimo"],
              "neg": ["caro", "esagerato", "esoso", "eccessivo", "assurdo", "altissimo"]},
    "app": {"pos": ["semplice", "intuitivo", "veloce", "chiaro", "comodo", "stabile", "utile"],
            "neg": ["lento", "complicato", "confuso", "inutilizzabile", "instabile", "macchinoso",
                    "pessimo"]},
    "wait": {"pos": ["breve", "minimo", "rapido"], "neg": ["lungo", "infinito", "interminabile",
                                                          "eterno", "snervante"]},
}
# Negative adjectives whose negation reads naturally as praise ("la camera non era rumorosa").
NEG_OK = {"room": ["rumoroso", "sporco", "buio"], "price": ["caro", "esagerato"],
          "app": ["complicato", "lento"], "wait": ["lungo"], "people": ["scortese", "sbrigativo"],
          "product": ["fragile", "scomodo"], "food": ["salato", "freddo"], "bed": ["scomodo"],
          "service": ["lento"]}
SUPERLATIVE = {"gentile": "gentilissim", "cortese": "cortesissim", "disponibile": "disponibilissim",
               "preparato": "preparatissim", "simpatico": "simpaticissim", "pulito": "pulitissim",
               "spazioso": "spaziosissim", "comodo": "comodissim", "veloce": "velocissim",
               "rapido": "rapidissim", "puntuale": "puntualissim", "bello": "bellissim",
               "buono": "buonissim", "fresco": "freschissim", "sporco": "sporchissim",
               "rumoroso": "rumorosissim", "lento": "lentissim", "caro": "carissim",
               "scortese": "scortesissim", "lungo": "lunghissim", "scomodo": "scomodissim",
               "semplice": "semplicissim", "saporito": "saporitissim", "abbondante": "abbondantissim",
               "brutto": "bruttissim", "salato": "salatissim", "confuso": "confusissim",
               "complicato": "complicatissim", "freddo": "freddissim", "vecchio": "vecchissim",
               "professionale": "professionalissim", "competente": "competentissim",
               "silenzioso": "silenziosissim", "luminoso": "luminosissim", "utile": "utilissim",
               "morbido": "morbidissim", "duro": "durissim", "conveniente": "convenientissim"}
PLURAL_CI = {"simpatico", "antipatico", "caotico"}  # masculine plural in -ci, not -chi
# Absolute adjectives: no "abbastanza ottimo", "un po' pessimo".
ABSOLUTE = {"ottimo", "pessimo", "perfetto", "eccellente", "impeccabile", "immangiabile",
            "inutilizzabile", "altissimo", "assurdo", "infinito", "interminabile", "eterno", "minimo",
            "squisito", "delizioso", "rotto"}
INTENS_ABS = ["", "", "davvero ", "veramente "]

# Subjects: (definite form, bare form, gender, number, aspect kind) per domain.
SUBJ = {
    "telefonia": [("l'operatore", "operatore", "m", "s", "people"),
                  ("l'operatrice", "operatrice", "f", "s", "people"),
                  ("il tecnico", "tecnico", "m", "s", "people"),
                  ("l'assistenza", "assistenza", "f", "s", "service"),
                  ("il servizio clienti", "servizio clienti", "m", "s", "service"),
                  ("l'app", "app", "f", "s", "app"), ("il sito", "sito", "m", "s", "app"),
                  ("l'attesa", "attesa", "f", "s", "wait"),
                  ("la tariffa", "tariffa", "f", "s", "price"),
                  ("il prezzo", "prezzo", "m", "s", "price"),
                  ("la connessione", "connessione", "f", "s", "service")],
    "hotel": [("la camera", "camera", "f", "s", "room"), ("le camere", "camere", "f", "p", "room"),
              ("il bagno", "bagno", "m", "s", "room"), ("la stanza", "stanza", "f", "s", "room"),
              ("il letto", "letto", "m", "s", "bed"), ("il materasso", "materasso", "m", "s", "bed"),
              ("il personale", "personale", "m", "s", "people"), ("lo staff", "staff", "m", "s", "people"),
              ("la ragazza della reception", "ragazza della reception", "f", "s", "people"),
              ("la colazione", "colazione", "f", "s", "food"), ("il prezzo", "prezzo", "m", "s", "price"),
              ("la struttura", "struttura", "f", "s", "room"), ("il check-in", "check-in", "m", "s", "service")],
    "negozio": [("il prodotto", "prodotto", "m", "s", "product"), ("la borsa", "borsa", "f", "s", "product"),
                ("le scarpe", "scarpe", "f", "p", "product"), ("il materiale", "materiale", "m", "s", "product"),
                ("la commessa", "commessa", "f", "s", "people"), ("il commesso", "commesso", "m", "s", "people"),
                ("il personale", "personale", "m", "s", "people"), ("il sito", "sito", "m", "s", "app"),
                ("il prezzo", "prezzo", "m", "s", "price"), ("i prezzi", "prezzi", "m", "p", "price"),
                ("il servizio", "servizio", "m", "s", "service"), ("lo zaino", "zaino", "m", "s", "product")],
    "consegna": [("la consegna", "consegna", "f", "s", "service"), ("il corriere", "corriere", "m", "s", "people"),
                 ("la spedizione", "spedizione", "f", "s", "service"), ("l'attesa", "attesa", "f", "s", "wait"),
                 ("l'imballaggio", "imballaggio", "m", "s", "product"), ("il ritiro", "ritiro", "m", "s", "service")],
    "banca": [("il consulente", "consulente", "m", "s", "people"), ("la consulente", "consulente", "f", "s", "people"),
              ("l'app", "app", "f", "s", "app"), ("l'home banking", "home banking", "m", "s", "app"),
              ("le commissioni", "commissioni", "f", "p", "price"), ("il canone", "canone", "m", "s", "price"),
              ("il personale della filiale", "personale della filiale", "m", "s", "people"),
              ("la pratica del mutuo", "pratica del mutuo", "f", "s", "service"),
              ("l'attesa allo sportello", "attesa allo sportello", "f", "s", "wait")],
    "ristorante": [("la pizza", "pizza", "f", "s", "food"), ("il pesce", "pesce", "m", "s", "food"),
                   ("i primi", "primi", "m", "p", "food"), ("il dolce", "dolce", "m", "s", "food"),
                   ("il cameriere", "cameriere", "m", "s", "people"), ("la cameriera", "cameriera", "f", "s", "people"),
                   ("il servizio", "servizio", "m", "s", "service"), ("il conto", "conto", "m", "s", "price"),
                   ("il locale", "locale", "m", "s", "room"), ("l'attesa", "attesa", "f", "s", "wait")],
    "ufficio": [("l'impiegata", "impiegata", "f", "s", "people"), ("l'impiegato", "impiegato", "m", "s", "people"),
                ("lo sportello", "sportello", "m", "s", "service"), ("il sito del comune", "sito del comune", "m", "s", "app"),
                ("l'attesa", "attesa", "f", "s", "wait"), ("la sala d'attesa", "sala d'attesa", "f", "s", "room")],
}
DOMAINS = list(SUBJ)
DOMAIN_W = [30, 18, 16, 12, 10, 9, 5]

INTENS_POS = ["", "", "", "", "molto ", "davvero ", "veramente ", "super ", "proprio ", "sempre ",
              "decisamente ", "estremamente ", "abbastanza "]
INTENS_NEG = ["", "", "", "", "molto ", "davvero ", "veramente ", "proprio ", "troppo ", "un po' ",
              "decisamente ", "assolutamente "]
NEG_STRENGTH = ["", "", "per niente ", "affatto ", "per nulla "]  # "non era per niente pulita"

# ---------------------------------------------------------------------------
# Free clauses per domain: pos, neg, neutral.  Placeholders are those of
# make_survey.fill(): {op} {a} {c} {minuti} {giorni} {settimane} {volte} {eur_*} ...
# ---------------------------------------------------------------------------

FREE = {
    "telefonia": {
        "pos": ["il tecnico è arrivato puntuale e ha risolto tutto in mezz'ora",
                "la fibra va benissimo", "da quando ho cambiato offerta pago meno e va tutto bene",
                "{op} mi ha spiegato la bolletta con tanta pazienza", "problema risolto alla prima chiamata",
                "mi hanno richiamato come promesso", "attivazione velocissima",
                "la linea non è mai caduta", "il modem funziona alla perfezione",
                "finalmente una connessione stabile", "la portabilità è andata liscia",
                "assistenza in chat rapida e competente", "{op} è stat{a} gentilissim{a} e preparat{a}",
                "mi hanno tolto il servizio non richiesto e rimborsato tutto",
                "in dieci minuti avevo risolto", "copertura ottima anche in montagna",
                "sono cliente da {anni} e mi sono sempre trovat{c} bene",
                "la nuova offerta è conveniente e chiara"],
        "neg": ["è da {giorni} che sono senza linea", "la fibra va e viene",
                "il modem si blocca ogni sera", "mi hanno addebitato servizi mai richiesti",
                "bolletta di {eur_hi}, una follia", "ho chiamato {volte} e nessuno sa darmi una risposta",
                "{op} mi ha chiuso la chiamata in faccia", "il tecnico non si è presentato",
                "la portabilità è ferma da {settimane}", "internet lentissimo la sera",
                "mi avevano promesso uno sconto che in bolletta non c'è",
                "ogni volta che chiamo mi passano a un altro ufficio",
                "il servizio clienti non risponde mai",
                "mi hanno attivato un'offerta senza il mio consenso",
                "non mi hanno mai richiamato", "il problema non è stato risolto",
                "nessuno mi ha aiutato", "la linea cade di continuo"],
        "neu": ["ho chiamato per cambiare offerta", "vorrei sapere quando arriva il tecnico",
                "ho chiesto la portabilità del numero", "chiamavo per la bolletta di {mese_prec}",
                "volevo attivare la fibra a casa", "ho chiesto un duplicato della fattura",
                "ho contattato l'assistenza per un cambio di intestatario",
                "vorrei disdire il contratto entro fine mese", "devo cambiare il metodo di pagamento",
                "a che ora passa il tecnico domani?", "quanto costa l'opzione estero?",
                "ho aggiornato i miei dati di contatto", "chiedevo il codice di migrazione",
                "ho chiamato per la seconda rata del modem", "potete mandarmi il contratto via email?",
                "vorrei passare alla domiciliazione bancaria", "ho chiesto lo stato della mia pratica",
                "la mia linea è intestata a mio padre", "ho un contratto business con {linee}",
                "chiamo per conto di mia madre"],
    },
    "hotel": {
        "pos": ["camera pulitissima e letto comodo", "colazione abbondante con prodotti freschi",
                "personale gentile e sempre sorridente", "posizione perfetta a due passi dal centro",
                "vista mare stupenda dal balcone", "ci siamo sentiti coccolati dal primo all'ultimo giorno",
                "la piscina era pulita e mai affollata", "check-in veloce e camera pronta in anticipo",
                "torneremo sicuramente", "ottimo rapporto qualità prezzo",
                "silenzio assoluto la notte, abbiamo dormito benissimo",
                "alla reception ci hanno consigliato dei ristoranti ottimi",
                "ci hanno fatto trovare una torta per il compleanno, che pensiero carino",
                "struttura curata in ogni dettaglio", "il titolare è una persona squisita"],
        "neg": ["camera sporca e con odore di muffa", "in bagno c'erano capelli del cliente precedente",
                "aria condizionata rotta con 35 gradi", "colazione misera e caffè imbevibile",
                "pareti sottilissime, non si dorme", "alla reception ci hanno trattati con sufficienza",
                "foto ingannevoli, la camera era la metà", "letto scomodo e cuscini duri come sassi",
                "ci hanno chiesto {eur_small} in più per gli asciugamani",
                "rumore dalla strada tutta la notte", "piscina chiusa senza preavviso",
                "il wifi non funzionava mai", "parcheggio a pagamento e carissimo",
                "lenzuola macchiate", "nessuno ci ha aiutato con le valigie",
                "abbiamo trovato uno scarafaggio in camera"],
        "neu": ["abbiamo soggiornato tre notti a giugno", "vorrei sapere se la colazione è inclusa",
                "a che ora è il check-out?", "siamo arrivati in treno e abbiamo preso un taxi",
                "c'è un parcheggio vicino all'hotel?", "ho prenotato una doppia per due notti",
                "viaggio di lavoro", "prenotazione fatta dal sito", "avete camere per quattro persone?",
                "siamo stati qui per un matrimonio", "l'hotel si trova vicino alla stazione",
                "posso portare il cane?", "la tassa di soggiorno si paga in contanti?"],
    },
    "negozio": {
        "pos": ["prodotto identico alla descrizione", "qualità ottima per il prezzo",
                "scarpe comodissime fin dal primo giorno", "il reso è stato semplicissimo",
                "rimborso arrivato in tre giorni", "la commessa mi ha consigliato benissimo",
                "la taglia è perfetta", "lo consiglio a tutti", "funziona benissimo",
                "la batteria dura due giorni", "ottimo acquisto", "materiali di qualità e ben rifinito",
                "esattamente quello che cercavo", "me ne sono innamorat{c}"],
        "neg": ["il prodotto è arrivato rotto", "dopo una settimana si è già rotto",
                "completamente diverso dalla foto", "la taglia non corrisponde",
                "il reso è stato un incubo", "aspetto il rimborso da {settimane}",
                "materiale scadente, sembra un giocattolo", "non funziona e l'assistenza non risponde",
                "mi è arrivato l'articolo sbagliato", "prezzo esagerato per quello che è",
                "il commesso era scortese e sbrigativo", "la batteria si scarica in poche ore",
                "soldi buttati", "si è scucito dopo due lavaggi"],
        "neu": ["ho ordinato un paio di scarpe taglia 42", "vorrei cambiare il colore dell'ordine",
                "quando torna disponibile questo modello?", "ho pagato con carta di credito",
                "chiedo informazioni sulle taglie", "si può ritirare in negozio?",
                "ho comprato un frullatore per mia madre", "vorrei la fattura intestata alla ditta",
                "è possibile pagare alla consegna?", "l'ho preso in saldo a gennaio",
                "il modello è quello grigio", "ho usato il codice sconto della newsletter"],
    },
    "consegna": {
        "pos": ["consegna in anticipo rispetto alla data prevista", "corriere puntuale e gentile",
                "pacco arrivato integro e ben imballato",
                "spedizione velocissima, ordinato lunedì e arrivato martedì",
                "tracking sempre aggiornato", "il corriere mi ha chiamato prima di passare",
                "è arrivato tutto in perfette condizioni"],
        "neg": ["il corriere non è mai passato ma risulta consegna fallita",
                "pacco lasciato fuori dal cancello sotto la pioggia", "consegna in ritardo di {giorni}",
                "il tracking è fermo da {giorni}", "pacco danneggiato e scatola aperta",
                "il corriere ha lanciato il pacco oltre il cancello",
                "risulta consegnato ma non l'ho mai ricevuto", "pacco in giacenza senza nessun avviso",
                "il corriere è stato maleducato"],
        "neu": ["il pacco dovrebbe arrivare giovedì", "ho cambiato l'indirizzo di consegna",
                "posso scegliere la fascia oraria?", "consegna prevista entro {giorni}",
                "ritirerò il pacco al punto di ritiro", "ho chiesto di lasciare il pacco al vicino",
                "il numero di tracking è nella mail", "abito al terzo piano senza ascensore"],
    },
    "banca": {
        "pos": ["l'app della banca è semplice e veloce", "il consulente mi ha seguito con grande professionalità",
                "mutuo approvato in tempi rapidissimi", "bonifico istantaneo senza commissioni",
                "in filiale sono sempre cortesi",
                "mi hanno bloccato la carta in un minuto e rimborsato tutto",
                "nessun costo nascosto", "conto a zero spese come promesso"],
        "neg": ["commissioni altissime e mai spiegate", "carta bloccata senza motivo mentre ero all'estero",
                "l'app va in crash a ogni aggiornamento", "la filiale è sempre chiusa o piena",
                "per un bonifico mi hanno chiesto {eur_small} di commissione",
                "hanno aumentato il canone senza avvisare",
                "il consulente non sapeva rispondere alle mie domande",
                "aspetto da {settimane} la chiusura del conto"],
        "neu": ["ho aperto un conto corrente online", "vorrei aumentare il limite della carta",
                "come si attiva il codice di sicurezza?", "devo fare un bonifico all'estero",
                "ho chiesto un estratto conto", "appuntamento in filiale martedì alle 10",
                "volevo informazioni sul mutuo", "ho cambiato il numero di cellulare collegato al conto"],
    },
    "ristorante": {
        "pos": ["pizza buonissima e impasto leggero", "pesce freschissimo",
                "porzioni abbondanti e prezzi onesti", "il cameriere è stato simpaticissimo",
                "dolci fatti in casa favolosi", "si mangia benissimo",
                "servizio veloce anche con il locale pieno"],
        "neg": ["pasta scotta e sugo insipido", "abbiamo aspettato un'ora per due pizze",
                "conto salatissimo per quello che abbiamo mangiato", "cameriere maleducato",
                "il pesce non era fresco", "tavoli sporchi e bagno indecente", "porzioni ridicole",
                "dopo cena siamo stati male tutti e due"],
        "neu": ["abbiamo prenotato per sei persone", "avete opzioni senza glutine?",
                "siamo venuti a pranzo di domenica", "fate anche asporto?",
                "eravamo in quattro", "abbiamo ordinato due pizze e una birra"],
    },
    "ufficio": {
        "pos": ["allo sportello anagrafe sono stati velocissimi",
                "con lo SPID ho fatto tutto online in cinque minuti",
                "l'impiegata è stata gentile e chiara", "finalmente un ufficio che funziona"],
        "neg": ["due ore di fila per un certificato", "il sito del comune non funziona mai",
                "al telefono non risponde nessuno", "mi hanno rimandato da un ufficio all'altro",
                "orari di apertura ridicoli"],
        "neu": ["devo rinnovare la carta d'identità", "ho chiesto un certificato di residenza",
                "quali documenti servono per il passaporto?", "ho prenotato un appuntamento online",
                "sono andat{c} allo sportello martedì mattina"],
    },
}

# Domain-free clauses built on negation: praise by negating a complaint, complaints by
# negating praise.
NEGATION = {
    "pos": ["non ho avuto nessun problema", "nessuna attesa", "non ho dovuto aspettare",
            "niente da dire", "non mi hanno fatto pagare niente in più", "nulla da eccepire",
            "non ho mai avuto un disservizio in {anni}", "non potevo chiedere di meglio",
            "non è stato per niente difficile", "non mi aspettavo tanta cortesia",
            "non c'è stato nessun intoppo", "non delude mai", "non mi sono mai pentit{c} della scelta",
            "non vedo l'ora di tornare", "non ho niente di cui lamentarmi"],
    "neg": ["non funziona", "non mi hanno richiamato", "non hanno risolto niente",
            "nessuno mi ha aiutato", "non lo consiglio", "non tornerò",
            "non sono per niente soddisfatt{c}", "non sono stati gentili",
            "non ci hanno nemmeno chiesto scusa", "mai più", "non ne vale la pena",
            "non è all'altezza del prezzo", "non mi hanno dato nessuna spiegazione",
            "nessuno si è degnato di rispondere", "non ho ricevuto né il prodotto né il rimborso"],
}

# Whole-comment openers and closers
OPEN = {"pos": ["Esperienza ottima.", "Che bella esperienza!", "Tutto perfetto.", "Bravi!",
                "Soddisfattissim{c}.", "Davvero content{c}.", "Top!", "Wow."],
        "neg": ["Pessima esperienza.", "Che delusione.", "Vergognoso.", "Esperienza da dimenticare.",
                "Assurdo.", "Sono furios{c}.", "Che schifo.", "Delusissim{c}."],
        "neu": ["Buongiorno,", "Salve,", "Buonasera,", "Allora,", "Ciao,"]}
CLOSE = {"pos": ["Grazie!", "Consigliatissimo!", "Torneremo!", "Lo consiglio.", "Cinque stelle.",
                 "Complimenti a tutti.", "Grazie mille", "Continuate così!", "Bravissimi"],
         "neg": ["Mai più.", "Vergogna!", "Sconsigliato.", "Cambierò operatore.", "Da evitare.",
                 "Che pena.", "Una stella è anche troppo.", "Siete ridicoli.", "Basta!"],
         "neu": ["Grazie.", "Grazie", "Attendo risposta.", "Saluti.", "Cordiali saluti."]}
SHORT_NEUTRAL = ["ok", "Ok", "nessun commento", "Nessun commento.", "niente da aggiungere", "nulla",
                 "niente", "no", "tutto qui", "non saprei", "vedi sopra", "-", "come sopra", "n.d.",
                 "non ho altro da dire", "nessuna", "?", "...", "normale", "boh, non so"]

CONN_SAME = [" e ", ", ", ". ", ", ", ". ", " e poi ", ". Inoltre ", ", e ", ". E "]
CONN_MIX_PN = [" ma ", " ma ", ", ma ", ", però ", ". Però ", ". Peccato: ", ". Unica pecca: ",
               ", anche se ", ". Tuttavia ", "... ma ", ". Purtroppo "]
CONN_MIX_NP = [" ma ", ", ma ", ", però ", ". Però ", ". In compenso ", ", in compenso ", ". Almeno ",
               ", anche se ", ". Comunque ", ", invece "]

EMOJI = {"pos": ["😊", "👍", "👍🏻", "🙏", "❤️", "👏", "😀", "💪", "😍", "🔝", "🥰", "⭐⭐⭐⭐⭐", "😁", "💯"],
         "neg": ["😡", "👎", "😤", "🤬", "😠", "😞", "🙄", "😢", "🤮", "😩", "💩", "🤦‍♂️", "😒"],
         "neu": ["🙏", "🤔", "😐"]}
EMOTICON = {"pos": [":-)", ":)", ";-)", ":D", ":))", "^^", "xD"], "neg": [":(", ":-(", ":/", ":'("],
            "neu": [":)"]}
ELONGATE = {"pos": [("grazie", "grazieee"), ("bravi", "braviii"), ("bello", "bellooo"),
                    ("top", "toppp"), ("bene", "beneee"), ("ottimo", "ottimooo")],
            "neg": [("mai", "maaai"), ("schifo", "schifooo"), ("basta", "bastaaa"),
                    ("vergogna", "vergognaaa"), ("no", "nooo")]}


# ---------------------------------------------------------------------------
# Clause builders
# ---------------------------------------------------------------------------

def inflect(adj, g, n):
    """Agree a masculine-singular adjective with a subject (regular -o / -e adjectives)."""
    if adj.endswith("o"):
        stem = adj[:-1]
        if n == "s":
            return stem + ("o" if g == "m" else "a")
        if g == "f":
            return stem + ("he" if adj.endswith(("co", "go")) else "e")
        if adj.endswith(("co", "go")) and adj not in PLURAL_CI:
            return stem + "hi"
        if adj == "vecchio":
            return "vecchi"
        return stem + "i"
    if adj.endswith("e"):
        return adj if n == "s" else adj[:-1] + "i"
    return adj


def superlative(adj, g, n):
    return inflect(SUPERLATIVE[adj] + "o", g, n)


def essere(rng, g, n):
    tense = rng.random()
    if tense < 0.45:
        return "è" if n == "s" else "sono"
    if tense < 0.75:
        return "era" if n == "s" else "erano"
    return ("è stat" if n == "s" else "sono stat") + inflect("o", g, n)


# What a clause talks about, so that one comment does not praise and damn the same thing
# ("spedizione rapidissima, ma consegna in ritardo").  Aspect kinds map onto these topics.
TOPIC_WORDS = {
    "price": ["prezz", "tariff", "cost", "bollett", "commission", "canone", "conto", "€", "euro",
              "pag", "caro", "cara ", "carissim", "rimbors", "sconto", "spese", "addebit", "soldi",
              "offerta"],
    "time": ["attes", "aspett", "ritard", "rapid", "veloc", "fila", "ore ", "minut", "giorn",
             "settiman", "tempi", "tracking", "ferm", "anticip", "puntual", "subito", "lent"],
    "people": ["operat", "commess", "camerier", "consulent", "personale", "staff", "corriere",
               "tecnico", "impiegat", "ragazz", "reception", "signor", "addett", "titolare"],
    "room": ["camer", "bagno", "letto", "stanz", "struttura", "materass", "cuscin", "piscin",
             "locale", "tavol", "lenzuol"],
    "product": ["prodott", "borsa", "scarpe", "material", "zaino", "imballagg", "taglia", "batteri",
                "articol", "modem", "acquist"],
    "food": ["pizza", "pesce", "primi", "dolc", "colazione", "pasta", "cibo", "porzion", "mangi",
             "piatt", "caffè"],
    "app": ["l'app", "app ", "sito", "home banking", "wifi", "online", "spid", "fibra", "linea",
            "connession", "internet"],
}
KIND_TOPIC = {"people": "people", "room": "room", "bed": "room", "service": "time", "wait": "time",
              "product": "product", "food": "food", "price": "price", "app": "app"}


def topics(text):
    low = text.lower()
    return [t for t, words in TOPIC_WORDS.items() if any(w in low for w in words)]


def aspect_clause(rng, domain, pol, used):
    """"la camera era molto pulita", "personale gentilissimo", "il letto non era comodo".
    `used` holds the aspect kinds already judged in this comment: one judgement per kind, so
    that no comment praises and damns the same price."""
    subjects = [s for s in SUBJ[domain] if KIND_TOPIC[s[4]] not in used] or SUBJ[domain]
    det, bare, g, n, kind = rng.choice(subjects)
    r = rng.random()
    if pol == "pos" and r < 0.12 and kind in NEG_OK:  # praise by negating a complaint
        adj = inflect(rng.choice(NEG_OK[kind]), g, n)
        return f"{det} non {essere(rng, g, n)} {rng.choice(NEG_STRENGTH)}{adj}"
    if pol == "neg" and r < 0.18:  # complaint by negating praise
        adj = inflect(rng.choice(ADJ[kind]["pos"]), g, n)
        return f"{det} non {essere(rng, g, n)} {rng.choice(NEG_STRENGTH)}{adj}"
    base = rng.choice(ADJ[kind][pol])
    if base in SUPERLATIVE and rng.random() < 0.25:
        adj = superlative(base, g, n)
        intens = ""
    else:
        adj = inflect(base, g, n)
        intens = rng.choice(INTENS_ABS if base in ABSOLUTE else INTENS_POS if pol == "pos" else INTENS_NEG)
    if rng.random() < 0.45:
        return f"{bare} {intens}{adj}"
    return f"{det} {essere(rng, g, n)} {intens}{adj}"


def contact_clause(rng, pol):
    """A contact-centre clause from make_survey.py's phrase tables."""
    keys = [k for k in sorted(survey.PHRASES) if k[1] == pol]
    return rng.choice(survey.PHRASES[rng.choice(keys)])


def unit(rng, domain, pol, used):
    r = rng.random()
    if r < 0.40:
        t = aspect_clause(rng, domain, pol, used)
    elif r < 0.78:
        t = rng.choice(FREE[domain][pol])
    elif r < 0.90 or domain != "telefonia":
        t = rng.choice(NEGATION[pol])
    else:
        t = contact_clause(rng, pol)
    if domain == "telefonia" and rng.random() < 0.25:
        t = contact_clause(rng, pol)
    return t


def units(rng, domain, pol, k, ctx, used):
    out = []
    for attempt in range(60):
        if len(out) == k:
            break
        u = survey.fill(unit(rng, domain, pol, used), rng, ctx)
        about = topics(u)
        if u not in out and (attempt >= 50 or not any(t in used for t in about)):
            out.append(u)
            used.extend(about)
    return out


def join(rng, parts, conns):
    text = parts[0]
    for p in parts[1:]:
        c = rng.choice(conns)
        if c == ". ":  # a new sentence; ". Inoltre " already starts it
            p = upper_first(p)
        text += c + p
    return text


def end_sentence(s):
    return s if s.endswith((".", "!", "?")) else s + "."


def upper_first(s):
    """Capitalise a leading letter ("9,99 € per ..." stays as it is)."""
    return s[:1].upper() + s[1:] if s[:1].isalpha() else s


def compose(rng, label, ctx):
    domain = survey.weighted(rng, DOMAINS, DOMAIN_W)
    if label == "neutral":
        if rng.random() < 0.12:
            return rng.choice(SHORT_NEUTRAL), "neu"
        k = survey.weighted(rng, [1, 2], [75, 25])
        parts = [survey.fill(p, rng, ctx) for p in rng.sample(FREE[domain]["neu"], k)]
        body = parts[0]
        for p in parts[1:]:
            body += (" " if body.endswith("?") else ". ") + upper_first(p)
        text = upper_first(body)
        if rng.random() < 0.2:
            text = rng.choice(OPEN["neu"]) + " " + body
        if not text.endswith("?") and rng.random() < 0.6:
            text += "."
        if rng.random() < 0.15:
            text = end_sentence(text) + " " + rng.choice(CLOSE["neu"])
        return text, "neu"
    if label in ("positive", "negative"):
        pol = "pos" if label == "positive" else "neg"
        k = survey.weighted(rng, [1, 2, 3], [45, 40, 15])
        text = upper_first(join(rng, units(rng, domain, pol, k, ctx, []), CONN_SAME))
        if rng.random() < 0.15:
            text = survey.fill(rng.choice(OPEN[pol]), rng, ctx) + " " + text
        if rng.random() < 0.5:
            text += rng.choice([".", ".", "!", "!!", "!!!"])
        if rng.random() < 0.2:
            text = end_sentence(text) + " " + rng.choice(CLOSE[pol])
        return text, pol
    # mixed: praise and a complaint, in either order
    used = []
    first = rng.choice(["pos", "neg"])
    second = "neg" if first == "pos" else "pos"
    a = units(rng, domain, first, survey.weighted(rng, [1, 2], [75, 25]), ctx, used)
    b = units(rng, domain, second, 1, ctx, used)
    text = upper_first(join(rng, a, CONN_SAME))
    conn = rng.choice(CONN_MIX_PN if first == "pos" else CONN_MIX_NP)
    tail = upper_first(b[0]) if conn == ". " else b[0]
    text += conn + tail
    if rng.random() < 0.4:
        text += rng.choice([".", ".", "!"])
    return text, "mix_" + second


# ---------------------------------------------------------------------------
# Noise: the way customers type (accents, abbreviations, typos, capitals, emoji)
# ---------------------------------------------------------------------------

def add_noise(rng, text, mood):
    profile = survey.weighted(rng, ["careful", "casual", "sloppy"], [55, 35, 10])
    if mood == "neu" and len(text) < 20:
        return text
    for word, variants in survey.ACCENT_VARIANTS:
        if word in text and profile != "careful":
            p = 1.0 if profile == "sloppy" else 0.35
            text = survey.replace_word(text, word, lambda m: rng.choice(variants)
                                       if rng.random() < p else m.group(0))
    if profile == "sloppy" or profile == "casual" and rng.random() < 0.15:
        for word, abbr in survey.TEXTING:
            if rng.random() < 0.5:
                text = survey.replace_word(text, word, abbr)
    if rng.random() < 0.25:
        text = text.replace("'", "’")
    if profile != "careful" and rng.random() < 0.45:
        text = text[:1].lower() + text[1:]
    if rng.random() < (0.06 if profile == "careful" else 0.18 if profile == "casual" else 0.4):
        words = [m for m in survey.WORD_RE.finditer(text) if len(m.group(0)) >= 5]
        if words:
            m = rng.choice(words)
            w = m.group(0)
            i = rng.randrange(1, len(w) - 2)
            op = rng.random()
            if op < 0.4:
                w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            elif op < 0.75:
                w2 = w[:i] + w[i + 1:]
            else:
                w2 = w[:i] + w[i] + w[i:]
            text = text[:m.start()] + w2 + text[m.end():]
    pol = {"pos": "pos", "neg": "neg", "neu": "neu", "mix_pos": "pos", "mix_neg": "neg"}[mood]
    if pol != "neu":
        r = rng.random()
        if pol == "neg" and r < 0.02:
            text = text.upper()
        elif r < 0.08:
            words = [m for m in survey.WORD_RE.finditer(text) if len(m.group(0)) >= 3]
            if words:
                m = rng.choice(words)
                text = text[:m.start()] + m.group(0).upper() + text[m.end():]
        if rng.random() < 0.08:
            for word, longer in ELONGATE[pol]:
                if re.search(r"(?<!\w)" + word + r"(?!\w)", text, re.IGNORECASE):
                    text = re.sub(r"(?<!\w)" + word + r"(?!\w)", longer, text, count=1,
                                  flags=re.IGNORECASE)
                    break
        if rng.random() < 0.06:
            text = text.rstrip(".! ") + rng.choice(["!!!!", "!!!!!", "!!!", "?!?!"])
    r = rng.random()
    e_rate = {"pos": 0.16, "neg": 0.12, "neu": 0.02}[pol]
    if mood.startswith("mix"):
        e_rate = 0.08
    if r < e_rate:
        e = rng.choice(EMOJI[pol]) * rng.choice([1, 1, 1, 2, 3])
        text += rng.choice([" ", " ", ""]) + e
    elif r < e_rate + (0.06 if pol != "neu" else 0.01):
        text += " " + rng.choice(EMOTICON[pol])
    return text


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def generate(rows, seed):
    """[(text, label)], no two texts equal."""
    rng = random.Random(seed)
    seen = set()
    out = []
    while len(out) < rows:
        label = survey.weighted(rng, LABELS, LABEL_W)
        ctx = {"agent": rng.choice(survey.AGENTS), "cust": rng.choice(["o", "a"]),
               "brand": "Esempio", "year": 2026, "month": rng.randint(1, 12)}
        for _ in range(20):
            text, mood = compose(rng, label, ctx)
            text = add_noise(rng, text, mood)
            if text not in seen:
                break
        else:
            continue
        seen.add(text)
        out.append((text, label))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=3000, help="number of comments (default 3000)")
    ap.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    ap.add_argument("--out", default=os.path.join(here, "sentiment.csv"),
                    help="output CSV (default: sentiment.csv next to this script)")
    args = ap.parse_args()
    if args.rows < 1:
        ap.error(f"--rows must be positive, got {args.rows}")
    rows = generate(args.rows, args.seed)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text", "label"])
        w.writerows(rows)


if __name__ == "__main__":
    main()

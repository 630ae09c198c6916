# SPDX-License-Identifier: Apache-2.0
"""Generate perche's synthetic Italian post-contact survey (survey.csv).

Every row is invented: a fictional operator ("Esempio Telecom"), scores drawn
from a small latent model, and open answers composed from phrases written by
the perche team. Nothing is copied from a real survey or dataset.

Usage:  python3 make_survey.py [--rows 2400] [--seed 2026] [--out survey.csv]

The output is byte-for-byte identical for the same --rows and --seed
(standard library only; no set iteration, no hash-dependent ordering).
"""

import argparse
import csv
import datetime
import os
import random
import re

# ---------------------------------------------------------------------------
# Taxonomy and sampling tables
# ---------------------------------------------------------------------------

DRIVERS = {  # code -> Italian name; this order is also the order in the `driver` column
    "tempi_attesa": "tempi di attesa",
    "cortesia": "cortesia ed empatia",
    "competenza": "competenza e risoluzione",
    "chiarezza": "chiarezza delle informazioni",
    "prezzo": "prezzo e costi",
    "fatturazione": "fatturazione e pagamenti",
    "qualita": "qualità del prodotto/servizio",
    "app_sito": "app e sito",
    "consegna": "consegna",
    "credito": "gestione del credito e solleciti",
}
DRIVER_ORDER = list(DRIVERS)
OTHER_DRIVERS = DRIVER_ORDER[1:]  # everything except tempi_attesa, which has its own trend

START = datetime.date(2025, 12, 1)
DAYS = 365  # 2025-12-01 .. 2026-11-30

CHANNELS = ["telefono", "chat", "email", "app"]
CHANNEL_W = {"B2C": [38, 26, 13, 23], "B2B": [46, 22, 21, 11]}  # mix ~40/25/15/20
B2B_SHARE = 0.25

STAGES = ["acquisto", "assistenza", "fatturazione", "recupero crediti"]
STAGE_W = {
    "telefono": [22, 45, 18, 15],
    "chat": [30, 45, 17, 8],
    "email": [20, 40, 25, 15],
    "app": [42, 35, 18, 5],
}

# Negative tempi_attesa: probability grows linearly over the year (the one built-in trend),
# scaled by channel (phone queues are the worst) and normalised so the overall rate follows
# NEG_WAIT_START -> NEG_WAIT_END.
NEG_WAIT_START, NEG_WAIT_END = 0.11, 0.32
NEG_WAIT_CH = {"telefono": 1.40, "chat": 1.00, "email": 0.90, "app": 0.50}
_NEG_WAIT_NORM = 0.40 * 1.40 + 0.25 * 1.00 + 0.15 * 0.90 + 0.20 * 0.50
POS_WAIT = 0.05
POS_WAIT_CH = {"telefono": 0.8, "chat": 1.4, "email": 0.8, "app": 1.2}

# How many *other* drivers a comment mentions. The two tables have the same mean, so the
# per-response share of every other driver stays flat while tempi_attesa grows; overall
# the number of drivers per comment comes out at about 55% / 33% / 12%.
K_OTHER_WITH_WAIT = [(0, 10), (1, 48), (2, 42)]
K_OTHER_WITHOUT_WAIT = [(1, 70), (2, 28), (3, 2)]

BASE_W = {
    "cortesia": 1.0, "competenza": 1.0, "chiarezza": 0.7, "prezzo": 0.5, "fatturazione": 0.4,
    "qualita": 0.6, "app_sito": 0.4, "consegna": 0.4, "credito": 0.15,
}
STAGE_MULT = {
    "acquisto": {"prezzo": 1.6, "consegna": 3.0, "qualita": 1.5, "fatturazione": 0.5,
                 "credito": 0.1, "competenza": 0.8},
    "assistenza": {"competenza": 1.5, "qualita": 1.3, "consegna": 0.3, "prezzo": 0.6,
                   "credito": 0.1, "fatturazione": 0.6},
    "fatturazione": {"fatturazione": 8.0, "prezzo": 2.5, "chiarezza": 1.5, "consegna": 0.1,
                     "qualita": 0.5, "credito": 0.5},
    "recupero crediti": {"credito": 30.0, "fatturazione": 2.0, "cortesia": 1.2,
                         "consegna": 0.05, "qualita": 0.3, "app_sito": 0.5},
}
CHANNEL_MULT = {
    "telefono": {"cortesia": 1.3},
    "chat": {"app_sito": 1.5},
    "email": {"chiarezza": 1.3},
    "app": {"app_sito": 4.0},
}
SEGMENT_MULT = {
    "B2B": {"competenza": 1.6, "fatturazione": 1.7, "consegna": 0.4, "prezzo": 1.1,
            "app_sito": 0.8},
    "B2C": {},
}

P_NEGATIVE = {
    "cortesia": 0.30, "competenza": 0.45, "chiarezza": 0.55, "prezzo": 0.70,
    "fatturazione": 0.75, "qualita": 0.40, "app_sito": 0.55, "consegna": 0.50, "credito": 0.85,
}

# Effect of each (driver, polarity) on the latent satisfaction, in NPS points.
EFFECT = {
    "tempi_attesa": (+1.0, -5.0),  # (positive, negative)
    "cortesia": (+1.5, -2.2),
    "competenza": (+1.6, -3.0),
    "chiarezza": (+0.8, -2.0),
    "prezzo": (+0.8, -1.9),
    "fatturazione": (+0.6, -2.4),
    "qualita": (+1.0, -2.4),
    "app_sito": (+0.6, -1.8),
    "consegna": (+0.9, -2.2),
    "credito": (+1.0, -3.2),
}
NPS_BASE = 10.1  # latent NPS of a respondent with no driver effects (clipped to 0-10 later)

# Drivers that weigh more on effort (CES) and on satisfaction with the contact (CSAT).
EFFORT_DRIVERS = ["tempi_attesa", "competenza", "chiarezza", "app_sito"]
CSAT_DRIVERS = ["cortesia", "qualita", "consegna"]

EMPTY_SHARE = 0.03

# ---------------------------------------------------------------------------
# Phrase banks. Placeholders: {op} {all_op} {dell_op} {a} (agent noun and its
# gender ending), {c} (customer's gender ending), {minuti} {giorni} {settimane}
# {mesi} {anni} {volte} {rate} {linee} {eur_lo} {eur_hi} {eur_big} {eur_small}
# {brand} {anno}.
# ---------------------------------------------------------------------------

PHRASES = {
    ("tempi_attesa", "neg"): [
        "ho aspettato {minuti} prima di parlare con qualcuno",
        "attesa infinita",
        "{minuti} di attesa per una cosa banale",
        "i tempi di attesa sono vergognosi",
        "ci sono voluti {giorni} per avere una risposta",
        "troppa attesa, non è possibile aspettare così tanto",
        "sono rimast{c} in attesa più di {minuti}",
        "ho dovuto aspettare {settimane} per una risposta",
        "i tempi sono lunghissimi",
        "ogni volta è un'attesa infinita",
        "mi avevano detto che mi richiamavano entro 24 ore e non mi ha richiamato nessuno",
        "la pratica è ferma da {giorni}",
        "aspetto ancora una risposta dopo {settimane}",
        "{minuti} di attesa non sono accettabili nel {anno}",
        "tempi biblici",
        "ho perso mezza mattinata per niente",
        "ho dovuto sollecitare più volte perché nessuno si faceva vivo",
        "è passato un mese e sto ancora aspettando",
    ],
    ("tempi_attesa", "pos"): [
        "mi hanno risposto subito",
        "nessuna attesa",
        "in meno di 5 minuti avevo risolto",
        "tempi di risposta rapidissimi",
        "attesa praticamente zero",
        "mi hanno richiamato in giornata come promesso",
        "risposta veloce",
        "finalmente non ho dovuto aspettare ore",
        "ho atteso pochissimo",
        "mi hanno richiamato dopo 10 minuti",
        "tempi rapidi, in due giorni era tutto sistemato",
        "rispetto all'ultima volta l'attesa è stata breve",
        "velocissimi",
        "servizio rapido",
        "la pratica è stata chiusa in 48 ore",
    ],
    ("cortesia", "neg"): [
        "{op} era scortese e sbrigativ{a}",
        "{op} mi ha risposto con sufficienza",
        "poca educazione",
        "mi hanno risposto in modo arrogante",
        "{op} sembrava infastidit{a} dalle mie domande",
        "zero empatia",
        "nessuna gentilezza, sembrava che disturbassi",
        "mi hanno fatto sentire stupid{c}",
        "{op} continuava a interrompermi",
        "toni maleducati",
        "{op} rideva mentre spiegavo il problema",
        "{op} mi ha risposto male",
        "nessuno si è nemmeno scusato",
        "{op} era molto sgarbat{a}",
        "risposte seccate e arroganti",
        "non sono stati per niente gentili",
        "{op} mi ha trattat{c} come se fossi un numero",
    ],
    ("cortesia", "pos"): [
        "{op} è stat{a} gentilissim{a}",
        "{op} molto cortese e paziente",
        "gentilezza e disponibilità",
        "{op} è stat{a} davvero carin{a} e disponibile",
        "mi hanno trattat{c} con grande rispetto",
        "{op} è stat{a} molto paziente con me che non sono pratic{c}",
        "persone gentili e disponibili",
        "cortesia impeccabile",
        "{op} mi ha ascoltat{c} senza fretta",
        "si sono anche scusati per il disagio",
        "{op} era simpaticissim{a}",
        "molto gentili",
        "{op} gentile ed educat{a}",
        "finalmente qualcuno che ti ascolta",
        "un'ottima accoglienza",
        "grande empatia da parte {dell_op}",
        "{op} è stat{a} un angelo",
        "un grazie {all_op} per la pazienza",
    ],
    ("competenza", "neg"): [
        "{op} non sapeva cosa fare",
        "non hanno risolto niente",
        "mi hanno dato tre risposte diverse",
        "ho dovuto spiegare il problema {volte}",
        "{op} non sapeva nemmeno di cosa parlavo",
        "nessuno è in grado di risolvere il problema",
        "il problema c'è ancora, dopo {volte} che li contatto",
        "mi hanno chiuso la segnalazione senza risolvere niente",
        "incompetenza totale",
        "mi hanno fatto riavviare il modem per l'ennesima volta senza risultato",
        "{op} leggeva un copione e basta",
        "il tecnico è venuto e non ha fatto niente",
        "la pratica risulta chiusa ma il problema non è risolto",
        "mi hanno rimbalzat{c} da un ufficio all'altro",
        "non sono preparati",
        "hanno sbagliato di nuovo la configurazione",
        "sembrava che ne sapessi più io di loro",
        "ho dovuto richiamare perché un altro operatore aveva fatto un errore",
    ],
    ("competenza", "pos"): [
        "{op} ha risolto tutto in pochi minuti",
        "{op} molto competente",
        "problema risolto al primo contatto",
        "{op} ha capito subito il problema",
        "{op} preparatissim{a}",
        "finalmente qualcuno che sa il fatto suo",
        "il tecnico è stato bravissimo e ha sistemato tutto",
        "{op} mi ha guidat{c} passo passo e alla fine ha funzionato",
        "risolto definitivamente il problema della linea",
        "{op} sapeva esattamente cosa fare",
        "hanno risolto un problema che andava avanti da mesi",
        "professionalità e competenza",
        "mi hanno risolto tutto senza dover richiamare",
        "ottima assistenza tecnica",
        "{op} molto preparat{a}, ha trovato subito l'errore",
        "problema risolto",
        "in un solo contatto hanno sistemato quello che non si risolveva da settimane",
    ],
    ("chiarezza", "neg"): [
        "nessuno sa darti informazioni chiare",
        "le informazioni sul sito sono diverse da quelle che mi hanno dato al telefono",
        "non ho capito cosa devo fare adesso",
        "mi hanno spiegato male le condizioni",
        "informazioni contraddittorie",
        "la lettera è scritta in modo incomprensibile",
        "nessuno mi aveva detto che c'era un vincolo di {mesi}",
        "spiegazioni confuse",
        "non mi hanno detto che l'offerta scadeva dopo un anno",
        "ognuno dice una cosa diversa",
        "mi hanno promesso una cosa e poi nel contratto c'era scritto altro",
        "la mail di risposta era generica e non rispondeva alla mia domanda",
        "troppi tecnicismi, non si capisce niente",
        "le condizioni dell'offerta non sono per niente chiare",
        "non capisco perché nessuno mi sappia dire come stanno le cose",
    ],
    ("chiarezza", "pos"): [
        "mi hanno spiegato tutto in modo chiaro",
        "informazioni chiare e precise",
        "finalmente ho capito come funziona l'offerta",
        "{op} mi ha spiegato bene tutti i passaggi",
        "tutto chiaro fin dall'inizio",
        "spiegazioni semplici anche per chi non è pratico",
        "mi hanno mandato anche una mail di riepilogo molto chiara",
        "trasparenti sulle condizioni",
        "risposte chiare",
        "{op} mi ha chiarito ogni dubbio",
        "nessuna sorpresa, era tutto scritto chiaramente",
        "mi hanno detto con precisione i tempi e le cose da fare",
        "la guida sul sito è fatta bene e si capisce",
    ],
    ("prezzo", "neg"): [
        "troppo caro",
        "prezzi troppo alti rispetto alla concorrenza",
        "mi hanno aumentato il canone di {eur_small} al mese senza avvisare",
        "pago {eur_lo} al mese, decisamente troppo",
        "costi nascosti ovunque",
        "{eur_small} di costo di attivazione, assurdo",
        "la concorrenza offre di più a meno",
        "il rinnovo costa il doppio",
        "penale di {eur_big} per recedere, una follia",
        "ogni anno aumentano i prezzi",
        "il prezzo è salito e il servizio è sempre quello",
        "mi fanno pagare anche la spedizione",
        "{eur_small} per il cambio piano, ma dai",
        "non vale quello che costa",
        "le offerte sono solo per i nuovi clienti, chi è fedele paga di più",
        "un po' caro per quello che offre",
    ],
    ("prezzo", "pos"): [
        "prezzo onesto",
        "ottimo rapporto qualità prezzo",
        "mi hanno proposto un'offerta migliore e risparmio {eur_small} al mese",
        "costa meno di prima",
        "prezzi convenienti",
        "mi hanno tolto il costo di attivazione",
        "lo sconto fedeltà è stato gradito",
        "il prezzo è quello che mi avevano detto, nessuna sorpresa",
        "tariffa giusta",
        "hanno applicato lo sconto senza che lo chiedessi",
        "alla fine ho pagato meno del previsto",
        "conveniente rispetto agli altri",
        "buona offerta, {eur_lo} al mese tutto compreso",
    ],
    ("fatturazione", "neg"): [
        "mi hanno addebitato due volte la stessa bolletta",
        "in fattura ci sono voci che non ho mai richiesto",
        "la bolletta è arrivata di {eur_hi}, il triplo del solito",
        "aspetto ancora il rimborso di {eur_lo}",
        "la domiciliazione non è stata attivata e mi arrivano le more",
        "conguaglio assurdo di {eur_big}",
        "hanno sbagliato l'intestazione della fattura",
        "mi continuano ad addebitare un servizio che ho disdetto",
        "la bolletta non arriva mai per email come avevo chiesto",
        "il pagamento risulta non ricevuto ma io ho la ricevuta",
        "addebiti non autorizzati sul conto",
        "la nota di credito non è mai arrivata",
        "ogni mese la bolletta è sbagliata",
        "mi hanno fatturato {giorni} dopo la disdetta",
        "il rimborso promesso non si è visto",
        "mi hanno già addebitato il mese prossimo",
    ],
    ("fatturazione", "pos"): [
        "il rimborso è arrivato in pochi giorni",
        "hanno stornato subito l'addebito sbagliato",
        "bolletta corretta",
        "mi hanno sistemato la fattura senza problemi",
        "attivare la domiciliazione è stato semplice",
        "la nota di credito è arrivata come promesso",
        "mi hanno rimborsato {eur_lo}",
        "il pagamento è andato a buon fine subito",
        "hanno corretto l'errore in fattura",
        "finalmente la bolletta arriva via mail",
        "la fattura è stata rateizzata senza storie",
        "hanno riconosciuto l'errore e ridato i soldi",
        "pagamento con carta facile e veloce",
    ],
    ("qualita", "neg"): [
        "la linea cade di continuo",
        "la fibra va a singhiozzo",
        "il modem si blocca ogni due giorni",
        "internet lentissimo",
        "il prodotto è arrivato difettoso",
        "il telefono si è rotto dopo {mesi}",
        "la connessione non regge neanche una videochiamata",
        "servizio scadente",
        "di sera la rete non funziona",
        "continui disservizi",
        "in casa il segnale non c'è",
        "la velocità è un terzo di quella promessa",
        "sono senza linea da {giorni}",
        "il decoder non funziona più",
        "qualità pessima",
        "il modem nuovo è peggio di quello vecchio",
    ],
    ("qualita", "pos"): [
        "la fibra va benissimo",
        "connessione stabile e veloce",
        "il servizio funziona bene",
        "da quando ho cambiato modem nessun problema",
        "la linea è ottima",
        "prodotto di qualità",
        "il telefono nuovo è perfetto",
        "mai avuto un disservizio",
        "la copertura è ottima anche in montagna",
        "nessun problema in {anni}",
        "il servizio è affidabile",
        "velocità come da contratto",
        "funziona tutto alla perfezione",
    ],
    ("app_sito", "neg"): [
        "l'app si blocca continuamente",
        "dall'app non si riesce a scaricare la fattura",
        "il sito non funziona",
        "l'app ti scollega ogni volta",
        "sul sito www.esempio.it non si trova niente",
        "la password non viene mai accettata",
        "l'area clienti è un labirinto",
        "il pagamento online va sempre in errore",
        "l'app è lenta e piena di bug",
        "dopo l'aggiornamento l'app non si apre più",
        "il modulo online non si invia",
        "il codice di verifica via sms non arriva",
        "sul sito le informazioni sono vecchie",
        "l'app non mostra i consumi aggiornati",
        "l'assistente virtuale dell'app non capisce niente",
    ],
    ("app_sito", "pos"): [
        "l'app è comoda",
        "dall'app ho fatto tutto in due minuti",
        "app semplice e intuitiva",
        "il sito è chiaro e veloce",
        "dall'area clienti si trova tutto",
        "con l'app controllo i consumi facilmente",
        "la nuova app è molto migliorata",
        "ho pagato dall'app senza problemi",
        "il sito funziona bene",
        "comodissimo fare tutto online",
        "l'app mi ha avvisat{c} prima della scadenza",
        "la procedura online è semplice",
        "ottima l'app",
    ],
    ("consegna", "neg"): [
        "il pacco è arrivato dopo {giorni}",
        "il corriere non è mai passato",
        "hanno consegnato al vicino senza avvisare",
        "il modem non è ancora arrivato",
        "consegna in ritardo di una settimana",
        "il tracking non si aggiorna da giorni",
        "il pacco è arrivato aperto",
        "mi hanno mandato il modello sbagliato",
        "mi hanno lasciato l'avviso di giacenza ma io ero in casa",
        "consegna prevista in 48 ore, arrivato dopo {settimane}",
        "la scatola era tutta rovinata",
        "nella confezione manca un pezzo",
        "ho preso un giorno di ferie per la consegna e non è venuto nessuno",
    ],
    ("consegna", "pos"): [
        "consegna velocissima",
        "il pacco è arrivato il giorno dopo",
        "spedizione puntuale",
        "il corriere è stato puntualissimo",
        "arrivato prima del previsto",
        "imballaggio perfetto",
        "consegna nei tempi promessi",
        "ho ricevuto il modem in 2 giorni",
        "il tracking era sempre aggiornato",
        "consegnato a casa senza problemi",
        "il corriere mi ha chiamat{c} prima di passare",
        "spedizione gratuita e veloce",
        "ordine arrivato completo e in perfette condizioni",
    ],
    ("credito", "neg"): [
        "mi arrivano solleciti per una bolletta che ho già pagato",
        "mi hanno minacciato di sospendere la linea per {eur_lo}",
        "le chiamate del recupero crediti sono continue, anche la sera",
        "mi è arrivata una lettera di messa in mora per un errore loro",
        "mi hanno passato a una società di recupero crediti senza avvisare",
        "mi chiamano tre volte al giorno per un debito che non esiste",
        "toni intimidatori da parte del recupero crediti",
        "mi hanno sospeso il servizio senza preavviso",
        "ho chiesto una rateizzazione e me l'hanno negata",
        "mi chiedono soldi per un contratto disdetto da un anno",
        "sollecito di pagamento con {eur_small} di spese di mora",
        "nonostante il pagamento continuano i solleciti",
        "mi hanno segnalat{c} come cattiv{c} pagat{c_ore} per {eur_lo}",
        "i solleciti arrivano anche dopo che ho mandato la ricevuta",
    ],
    ("credito", "pos"): [
        "mi hanno concesso la rateizzazione senza problemi",
        "hanno sospeso i solleciti dopo la mia segnalazione",
        "hanno riconosciuto che il debito non era dovuto",
        "abbiamo trovato un accordo per pagare in {rate}",
        "mi hanno dato tempo fino a fine mese per pagare",
        "hanno tolto le spese di mora",
        "la pratica del sollecito è stata chiusa",
        "mi hanno riattivato la linea appena ho pagato",
        "piano di rientro ragionevole",
        "sono stati comprensivi per il ritardo nel pagamento",
        "hanno bloccato il recupero crediti mentre verificavano",
        "rate sostenibili",
        "mi hanno proposto un piano di rientro in {rate} senza interessi",
    ],
}

# Channel-specific variants, drawn instead of the generic bank with the given probability.
CHANNEL_PHRASES = {
    ("tempi_attesa", "neg", "telefono"): (0.55, [
        "{minuti} con la musichetta in sottofondo",
        "al telefono ho aspettato {minuti} e poi è caduta la linea",
        "il numero verde è sempre occupato",
        "ho chiamato {volte} prima di trovare qualcuno",
        "mi hanno passato da un operatore all'altro e ogni volta di nuovo in attesa",
        "la voce registrata ti fa premere mille tasti e poi ancora attesa",
        "{minuti} al telefono per parlare con una persona",
        "nessuno risponde al telefono",
    ]),
    ("tempi_attesa", "neg", "chat"): (0.5, [
        "in chat ho aspettato {minuti} prima che rispondesse qualcuno",
        "la chat ti mette in coda e sei sempre il numero 15",
        "tra un messaggio e l'altro passavano 10 minuti",
        "il bot non capisce e per parlare con una persona ci vuole un'eternità",
        "la chat si è chiusa dopo {minuti} di attesa",
    ]),
    ("tempi_attesa", "neg", "email"): (0.5, [
        "ho scritto {volte} e la risposta è arrivata dopo {giorni}",
        "alla mail non ha risposto nessuno per una settimana",
        "risposta alla mail dopo {settimane}, ridicolo",
        "la pec è rimasta senza risposta per {giorni}",
    ]),
    ("tempi_attesa", "neg", "app"): (0.5, [
        "dall'app ho aperto la segnalazione e nessuno l'ha presa in carico per giorni",
        "la richiesta in app è rimasta in lavorazione per {giorni}",
        "dall'app dice che mi richiamano entro 24 ore, mai sentito nessuno",
    ]),
    ("tempi_attesa", "pos", "chat"): (0.4, [
        "in chat mi hanno risposto in un attimo",
        "la chat risponde subito",
    ]),
    ("tempi_attesa", "pos", "email"): (0.5, [
        "la risposta alla mail è arrivata il giorno dopo",
        "mi hanno risposto alla mail in giornata",
    ]),
    ("cortesia", "neg", "telefono"): (0.25, [
        "{op} mi ha chiuso il telefono in faccia",
        "{op} al telefono sbuffava",
    ]),
}

# B2B-flavoured variants, drawn instead of the generic bank for B2B respondents.
B2B_PHRASES = {
    ("fatturazione", "neg"): (0.45, [
        "la fattura elettronica è arrivata con la partita IVA sbagliata",
        "le fatture delle nostre {linee} sono un caos",
        "non hanno applicato lo split payment",
        "il codice destinatario è sbagliato e il commercialista non riceve le fatture",
        "ogni mese dobbiamo ricontrollare le fatture di tutte le sedi",
    ]),
    ("fatturazione", "pos"): (0.4, [
        "fatturazione elettronica precisa, il nostro commercialista ringrazia",
        "finalmente un'unica fattura per tutte le sedi",
    ]),
    ("competenza", "neg"): (0.4, [
        "il commerciale non conosceva nemmeno il nostro contratto",
        "per un'azienda con {linee} ci aspettiamo un'assistenza più preparata",
        "il centralino dell'ufficio è fermo da {giorni} e nessuno sa dirci perché",
        "il nostro referente cambia ogni mese e non sa niente della nostra situazione",
    ]),
    ("competenza", "pos"): (0.4, [
        "il nostro referente aziendale è preparatissimo",
        "hanno configurato il centralino dell'ufficio senza intoppi",
        "il tecnico ha sistemato la rete dell'ufficio in mattinata",
    ]),
    ("prezzo", "neg"): (0.3, [
        "per {linee} paghiamo più di {eur_big} al mese",
        "il listino business è fuori mercato",
    ]),
}

# Why the customer got in touch: a neutral preamble, channel verb + stage reason. It names
# the topic of the contact, not what drove the score, so it is never part of the gold label.
CONTACT_VERB = {
    "telefono": ["Ho chiamato il servizio clienti", "Ho chiamato l'assistenza", "Ho telefonato",
                 "Ho chiamato il numero verde"],
    "chat": ["Ho scritto in chat", "Ho contattato la chat", "Ho aperto una chat"],
    "email": ["Ho mandato una mail", "Ho scritto all'assistenza", "Ho inviato una richiesta"],
    "app": ["Ho aperto una richiesta dall'app", "Ho usato l'app", "Ho contattato l'assistenza "
            "dall'app"],
}
CONTACT_REASON = {
    "acquisto": ["per attivare la fibra", "per un ordine", "per cambiare offerta",
                 "per comprare un modem nuovo", "per il passaggio da un altro operatore",
                 "per attivare una nuova sim", "per un telefono a rate"],
    "assistenza": ["per un guasto alla linea", "perché internet non andava",
                   "per un problema col modem", "perché il telefono fisso era muto",
                   "per un problema con la sim", "per configurare il router"],
    "fatturazione": ["per la bolletta di {mese_prec}", "per un addebito che non tornava",
                     "per cambiare metodo di pagamento", "per un rimborso",
                     "per una fattura di {mese_prec}"],
    "recupero crediti": ["per un sollecito di pagamento", "per una bolletta non pagata",
                         "per rateizzare un arretrato", "per una lettera di sollecito"],
}
CONTEXT_CREDIT = ["Mi hanno chiamato loro per una bolletta non pagata",
                  "Mi è arrivato un sollecito di pagamento",
                  "Avevo una rata arretrata"]
MONTHS_IT = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
             "settembre", "ottobre", "novembre", "dicembre"]

# Comment frame: generic openers/closers and emotive tags; none of them names a driver.
GREETINGS = ["Buongiorno,", "Buonasera,", "Salve,", "Allora,", "Dunque,",
             "Premetto che sono cliente da anni,"]
# Loyal customers with a single gripe: "Unica pecca: ...". No driver named here either.
SOFTENERS = ["Unica pecca:", "Tutto sommato bene, però", "Nel complesso soddisfatt{c}, ma",
             "Mi trovo bene, solo che", "Solo una cosa:", "Per il resto nulla da dire, ma"]
LEAD_INS = {  # go right before the first driver clause, which may be a bare noun phrase
    "any": ["Sinceramente,", "Che dire,", "Sono cliente da {anni}.", "Onestamente,",
            "Allora,"],
    "neg": ["Purtroppo,", "Ennesima delusione:", "Guardate,", "Non ci siamo.",
            "Ancora una volta,"],
    "pos": ["Niente da dire,", "Stavolta,", "Esperienza positiva,", "Devo dire:"],
}
CLOSERS = {
    "pos": ["Grazie!", "Grazie mille", "Continuate così", "Consiglio {brand} a tutti",
            "Bravi", "Voto meritato", "Soddisfatt{c}", "Tutto ok", "Grazie ancora"],
    "neg": ["Sto pensando di cambiare operatore", "Se continua così disdico",
            "Valuterò altri gestori", "Non vi consiglio", "Mai più {brand}",
            "Spero che qualcuno legga questo messaggio", "Fate qualcosa",
            "Ho già fatto reclamo", "Cliente da {anni}, ma ancora per poco",
            "ho scritto anche a @EsempioTelecom sui social e niente",
            "Delus{c}", "Sono stanc{c}"],
    "mix": ["Vedremo", "Speriamo bene", "Si può migliorare", "Per ora resto con {brand}",
            "Vediamo se la prossima volta va meglio"],
    "mix_ok": ["Comunque grazie", "Per il resto tutto ok", "Nel complesso va bene",
               "Insomma, così così", "Comunque grazie lo stesso"],
}
TAGS = {
    "neg": ["assurdo", "inaccettabile", "ridicolo", "pazzesco", "incredibile",
            "non è possibile", "mah"],
    "neg_strong": ["vergognoso", "vergogna", "che schifo", "basta", "che pena"],
    "pos": ["bravi", "complimenti", "ottimo", "perfetto", "top", "super", "grazie",
            "bravissimi", "finalmente"],
}
# Connectors: between clauses of opposite polarity, and of the same polarity.
CONN_CONTRAST = [" ma ", " ma ", " però ", ", però ", ". Però ", " anche se ", ", anche se ",
                 ". Comunque ", ", invece ", "... ma ", ", ma "]
CONN_NEG_TO_POS = [". In compenso ", ", in compenso ", ". Almeno "]
CONN_SAME = [" e ", " e ", ", ", ", ", ". ", ". ", " e poi ", ". Inoltre ", ", e ", ". E "]
CONN_SAME_NEG = [", oltretutto ", ". Per non parlare del fatto che ", ". In più "]

EMOJI = {
    "pos": ["😊", "👍", "👍🏻", "🙏", "❤️", "👏", "😀", "💪"],
    "neg": ["😡", "👎", "😤", "🤬", "😠", "😞", "🙄"],
}
EMOTICON = {"pos": [":-)", ":)", ";-)", ":D"], "neg": [":(", ":-(", ":/"]}

AGENTS = [  # (subject, "a" + article, "di" + article, gender ending)
    ("l'operatore", "all'operatore", "dell'operatore", "o"),
    ("l'operatore", "all'operatore", "dell'operatore", "o"),
    ("l'operatrice", "all'operatrice", "dell'operatrice", "a"),
    ("l'operatrice", "all'operatrice", "dell'operatrice", "a"),
    ("il ragazzo", "al ragazzo", "del ragazzo", "o"),
    ("la ragazza", "alla ragazza", "della ragazza", "a"),
    ("la signora", "alla signora", "della signora", "a"),
    ("il signore", "al signore", "del signore", "o"),
    ("la consulente", "alla consulente", "della consulente", "a"),
    ("l'addetto", "all'addetto", "dell'addetto", "o"),
    ("l'addetta", "all'addetta", "dell'addetta", "a"),
]
NUM_WORDS = {2: "due", 3: "tre", 4: "quattro", 5: "cinque", 6: "sei", 10: "dieci"}

# Accent noise: correct form -> misspellings seen in real free text.
ACCENT_VARIANTS = [
    ("è", ["e'", "e'", "e'", "e"]),
    ("perché", ["perche", "perchè", "perchè", "xké"]),
    ("più", ["piu", "piu'", "piú"]),
    ("po'", ["pò", "po", "pó"]),
    ("già", ["gia", "gia'"]),
    ("così", ["cosi", "cosi'"]),
    ("qualità", ["qualita", "qualita'"]),
    ("velocità", ["velocita"]),
    ("disponibilità", ["disponibilita"]),
    ("professionalità", ["professionalita"]),
    ("eternità", ["eternita"]),
    ("fedeltà", ["fedelta"]),
    ("c'è", ["ce", "c'e", "c e'"]),
]
TEXTING = [("non", "nn"), ("comunque", "cmq"), ("perché", "xché"), ("per", "x")]
CAPS_CANDIDATES = ["mai", "nessuno", "niente", "vergogna", "vergognoso", "assurdo", "ancora",
                   "sempre", "inaccettabile", "ridicolo", "basta", "zero", "due", "tre", "ore",
                   "minuti", "giorni", "settimane", "pessimo", "gentilissima", "gentilissimo",
                   "bravissimi", "grazie", "top", "subito", "incompetenza", "non"]


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

def weighted(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def euro(rng, value, decimals):
    """Italian money in one of the ways people actually type it."""
    if decimals:
        whole = f"{value:.2f}".replace(".", ",")
        if whole.endswith(",50") and rng.random() < 0.5:
            whole = whole[:-1]  # 3,5 €
    else:
        whole = f"{int(round(value)):,}".replace(",", ".")
    style = rng.random()
    if style < 0.35:
        return whole + " €"
    if style < 0.65:
        return whole + " euro"
    if style < 0.8:
        return "€ " + whole
    if style < 0.9:
        return whole.replace(".", "").replace(",", ".") + "€"  # sloppy 49.90€ / 1200€
    return whole + " eur"


def count_words(n, unit_sing, unit_plur, rng):
    if n in NUM_WORDS and rng.random() < 0.25:
        return f"{NUM_WORDS[n]} {unit_plur}"
    return f"{n} {unit_sing if n == 1 else unit_plur}"


def fill(template, rng, ctx):
    """Expand the placeholders of one phrase."""
    def minuti():
        m = rng.choice([15, 20, 20, 25, 30, 30, 35, 40, 40, 45, 50, 60, 70, 90])
        r = rng.random()
        if m == 30 and r < 0.4:
            return "mezz'ora"
        if m == 60 and r < 0.5:
            return "un'ora"
        if m == 90 and r < 0.5:
            return "un'ora e mezza"
        if r < 0.15:
            return f"{m} min"
        return f"{m} minuti"

    def giorni():
        n = rng.choice([3, 4, 5, 6, 7, 8, 10, 12, 15, 20])
        return f"{n} gg" if rng.random() < 0.1 else count_words(n, "giorno", "giorni", rng)

    values = {
        "op": ctx["agent"][0], "all_op": ctx["agent"][1], "dell_op": ctx["agent"][2],
        "a": ctx["agent"][3], "c": ctx["cust"], "c_ore": "ore" if ctx["cust"] == "o" else "rice",
        "brand": ctx["brand"], "anno": str(ctx["year"]),
        "mese_prec": MONTHS_IT[(ctx["month"] - 2) % 12],
    }
    lazy = {
        "minuti": minuti,
        "giorni": giorni,
        "settimane": lambda: rng.choice(["2 settimane", "3 settimane", "due settimane",
                                         "tre settimane", "un mese", "4 settimane"]),
        "mesi": lambda: count_words(rng.choice([3, 6, 6, 8, 12, 18, 24]), "mese", "mesi", rng),
        "anni": lambda: count_words(rng.choice([2, 3, 5, 6, 10, 10, 12, 15, 20]), "anno", "anni",
                                    rng),
        "volte": lambda: count_words(rng.choice([2, 3, 3, 4, 5, 6, 10]), "volta", "volte", rng),
        "rate": lambda: count_words(rng.choice([3, 4, 6, 10, 12]), "rata", "rate", rng),
        "linee": lambda: count_words(rng.choice([8, 12, 20, 25, 40, 60]), "linea", "linee", rng),
        "eur_lo": lambda: euro(rng, rng.choice([9.9, 19.9, 24.9, 29.9, 34.5, 39.9, 49.9, 54.9,
                                                12.5, 27.0, 45.0]), True),
        "eur_hi": lambda: euro(rng, rng.choice([89.0, 120.0, 145.5, 180.0, 230.0, 312.4]),
                               rng.random() < 0.5),
        "eur_big": lambda: euro(rng, rng.choice([150, 240, 380, 600, 850, 1200, 1450, 2300]),
                                False),
        "eur_small": lambda: euro(rng, rng.choice([2.0, 3.5, 4.99, 5.0, 6.5, 9.99, 10.0, 15.0]),
                                  rng.random() < 0.7),
    }

    def sub(match):
        key = match.group(1)
        if key in values:
            return values[key]
        return lazy[key]()

    return re.sub(r"\{(\w+)\}", sub, template)


def pick_phrase(rng, driver, pol, channel, segment):
    key = (driver, pol)
    special = CHANNEL_PHRASES.get((driver, pol, channel))
    if special and rng.random() < special[0]:
        return rng.choice(special[1])
    special = B2B_PHRASES.get(key)
    if segment == "B2B" and special and rng.random() < special[0]:
        return rng.choice(special[1])
    return rng.choice(PHRASES[key])


def upper_first(s):
    """Capitalise a leading letter ("15 euro" stays as it is)."""
    return s[:1].upper() + s[1:] if s[:1].isalpha() else s


# ---------------------------------------------------------------------------
# One response
# ---------------------------------------------------------------------------

def draw_drivers(rng, t, channel, stage, segment):
    """Return a list of (driver, polarity) pairs, 1-3 long."""
    p_neg = (NEG_WAIT_START + (NEG_WAIT_END - NEG_WAIT_START) * t) \
        * NEG_WAIT_CH[channel] / _NEG_WAIT_NORM
    p_pos = POS_WAIT * POS_WAIT_CH[channel]
    u = rng.random()
    chosen = []
    if u < p_neg:
        chosen.append(("tempi_attesa", "neg"))
    elif u < p_neg + p_pos:
        chosen.append(("tempi_attesa", "pos"))
    table = K_OTHER_WITH_WAIT if chosen else K_OTHER_WITHOUT_WAIT
    k = weighted(rng, [n for n, _ in table], [w for _, w in table])

    pool = list(OTHER_DRIVERS)
    weights = []
    for d in pool:
        w = BASE_W[d]
        w *= STAGE_MULT[stage].get(d, 1.0)
        w *= CHANNEL_MULT[channel].get(d, 1.0)
        w *= SEGMENT_MULT[segment].get(d, 1.0)
        weights.append(w)
    for _ in range(k):
        i = rng.choices(range(len(pool)), weights=weights, k=1)[0]
        d = pool.pop(i)
        weights.pop(i)
        pol = "neg" if rng.random() < P_NEGATIVE[d] else "pos"
        chosen.append((d, pol))
    return chosen


def draw_scores(rng, drivers, segment):
    """Latent satisfaction -> NPS 0-10, CSAT 1-5, CES 1-7 (correlated, not identical)."""
    total = effort = contact = 0.0
    for d, pol in drivers:
        e = EFFECT[d][0] if pol == "pos" else EFFECT[d][1]
        total += e
        if d in EFFORT_DRIVERS:
            effort += e
        if d in CSAT_DRIVERS:
            contact += e
    person = rng.gauss(0.0, 1.0)  # how generous this respondent is
    u = total + person - (0.3 if segment == "B2B" else 0.0)

    nps_raw = NPS_BASE + u + rng.gauss(0.0, 0.7)
    nps = min(10, max(0, round(nps_raw)))
    if nps == 10 and rng.random() < 0.2:
        nps = 9  # some people never give top marks
    if 4 <= nps <= 6 and rng.random() < 0.1:
        nps = 5  # midpoint heaping
    if nps <= 2 and rng.random() < 0.35:
        nps = 0  # angry respondents go straight to 0

    csat_raw = 4.45 + 0.42 * u + 0.25 * contact + rng.gauss(0.0, 0.55)
    csat = min(5, max(1, round(csat_raw)))

    ces_raw = 6.2 + 0.45 * u + 0.35 * effort + rng.gauss(0.0, 0.9)
    ces = min(7, max(1, round(ces_raw)))
    return nps, ces, csat


def compose(rng, drivers, nps, channel, stage, segment, date):
    """Write the open answer for the given (driver, polarity) list."""
    ctx = {
        "agent": rng.choice(AGENTS),
        "cust": "o" if rng.random() < 0.5 else "a",
        "brand": weighted(rng, ["Esempio Telecom", "Esempio", "EsempioTelecom",
                                "esempio telecom", "ESEMPIO"], [50, 25, 10, 10, 5]),
        "year": date.year,
        "month": date.month,
    }
    if channel == "chat" and rng.random() < 0.3:
        ctx["agent"] = ("l'operatore della chat", "all'operatore della chat",
                        "dell'operatore della chat", "o")
    if channel == "app" and rng.random() < 0.2:
        ctx["agent"] = ("l'operatore in chat", "all'operatore in chat",
                        "dell'operatore in chat", "o")

    order = list(drivers)
    rng.shuffle(order)
    n_neg = sum(1 for _, p in order if p == "neg")
    mood = "neg" if nps <= 6 else "pos" if nps >= 9 else "mix"
    if n_neg == 0 and mood == "neg":
        mood = "mix"
    if n_neg == len(order) and mood == "pos":
        mood = "mix"
    closer_pool = CLOSERS[mood]
    if mood == "mix" and n_neg < len(order):
        closer_pool = closer_pool + CLOSERS["mix_ok"]
    runon = rng.random() < 0.12

    parts = []
    used = []  # connectors already used: never "anche se ... anche se"
    agent_named = False
    prev_pol = None
    for d, pol in order:
        for _ in range(6):  # name the agent once per comment ("l'operatrice ..., l'operatrice")
            template = pick_phrase(rng, d, pol, channel, segment)
            if "{op}" not in template or not agent_named:
                break
        agent_named = agent_named or "{op}" in template
        clause = fill(template, rng, ctx)
        if prev_pol is None:
            parts.append(clause)
        else:
            if runon:
                conn = rng.choice([" ", " ", " ma ", " e "]) if prev_pol == pol else " ma "
            elif prev_pol != pol:
                pool = CONN_CONTRAST + (CONN_NEG_TO_POS if prev_pol == "neg" else [])
                conn = rng.choice([c for c in pool if c.strip(" .,") not in used])
            else:
                pool = CONN_SAME + (CONN_SAME_NEG if pol == "neg" else [])
                conn = rng.choice([c for c in pool if c.strip(" .,") not in used])
            used.append(conn.strip(" .,"))
            if conn.rstrip().endswith("."):
                clause = upper_first(clause)
            parts.append(conn + clause)
        # an emotive tag right after a clause ("40 minuti di attesa, assurdo")
        if rng.random() < 0.2:
            tag = rng.choice(TAGS[pol] + (TAGS["neg_strong"] if pol == mood == "neg" else []))
            sep = rng.choice([", ", ". ", "!! ", "... "]) if not runon else " "
            if sep.strip():
                tag = upper_first(tag) if sep.strip() in (".", "!!", "...") else tag
            parts.append(sep + tag)
        prev_pol = pol
    text = "".join(parts)
    lead_in = rng.random() < 0.25
    if nps >= 8 and n_neg == len(order) and rng.random() < 0.5:
        lead_in = True
        text = fill(rng.choice(SOFTENERS), rng, ctx) + " " + text
    elif lead_in:
        pool = LEAD_INS["any"] + LEAD_INS[order[0][1]]  # matches the clause it introduces
        lead = fill(rng.choice(pool), rng, ctx)
        text = lead + " " + (upper_first(text) if lead.endswith(".") else text)

    # why they got in touch
    if rng.random() < 0.5:
        if stage == "recupero crediti" and rng.random() < 0.4:
            context = rng.choice(CONTEXT_CREDIT)
        else:
            context = rng.choice(CONTACT_VERB[channel]) + " " + rng.choice(CONTACT_REASON[stage])
        context = fill(context, rng, ctx)
        if runon:
            text = context + " " + text[:1].lower() + text[1:]
        else:
            sep = rng.choice([". ", ". ", ", ", " e "])
            text = context + sep + (upper_first(text) if sep == ". " else
                                    text[:1].lower() + text[1:])
    # greeting / closer
    if not lead_in and rng.random() < 0.12:
        text = rng.choice(GREETINGS) + " " + text[:1].lower() + text[1:]
    end = rng.choice([".", ".", ".", "!", "!!!", "...", "", "", " !"]) if not runon else ""
    if rng.random() < 0.45:
        closer = fill(rng.choice([c for c in closer_pool
                                  if "omunque" not in c or "omunque" not in text]), rng, ctx)
        sep = rng.choice([". ", ". ", "! ", "... ", ", "]) if not runon else " "
        if sep in (", ", " "):
            closer = closer[0].lower() + closer[1:]
        else:
            closer = upper_first(closer)
        text = text + sep + closer
    if not text.endswith(("!", ".", "?")):
        text += end
    text = upper_first(text)
    return text, mood if mood != "mix" else "mix_" + order[-1][1]


# ---------------------------------------------------------------------------
# Noise: what people really type
# ---------------------------------------------------------------------------

WORD_RE = re.compile(r"[A-Za-zÀ-ÿ]+")


def replace_word(text, word, repl):
    """Replace whole-word occurrences; repl may be a string or a function of the match."""
    return re.sub(r"(?<![\w'])" + re.escape(word) + r"(?![\w])", repl, text)


def add_noise(rng, text, mood, channel):
    profile = weighted(rng, ["careful", "casual", "sloppy"], [55, 35, 10])
    mobile = channel in ("app", "chat")

    # accents
    for word, variants in ACCENT_VARIANTS:
        if word not in text:
            continue
        if profile == "sloppy":
            text = replace_word(text, word, rng.choice(variants))
        elif profile == "casual":
            text = replace_word(text, word, lambda m: rng.choice(variants)
                                if rng.random() < 0.35 else m.group(0))
    # texting abbreviations
    if profile == "sloppy" and mobile or profile == "casual" and mobile and rng.random() < 0.15:
        for word, abbr in TEXTING:
            if rng.random() < 0.5:
                text = replace_word(text, word, abbr)
    # elision errors: "un'attesa" -> "un attesa", "un altro" -> "un'altro"
    if profile != "careful":
        if rng.random() < 0.3:
            text = re.sub(r"\bun'(?=[aeiou])", "un ", text)
        if rng.random() < 0.4:
            text = re.sub(r"\bun (altro|operatore|ufficio|addetto)\b", r"un'\1", text)
        if profile == "sloppy" and rng.random() < 0.3:
            text = re.sub(r"\b(l|dell|all|dall)'(?=[aeiou])", r"\1 ", text)
    # typographic apostrophe (phone autocorrect, copy-paste)
    if rng.random() < (0.4 if mobile else 0.2):
        text = text.replace("'", "’")
    # lowercase start
    if profile != "careful" and rng.random() < 0.45:
        text = text[:1].lower() + text[1:]
    # typos: swap, drop or double one letter
    if rng.random() < (0.08 if profile == "careful" else 0.2 if profile == "casual" else 0.45):
        words = [m for m in WORD_RE.finditer(text) if len(m.group(0)) >= 5]
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
    # SHOUTING
    r = rng.random()
    if mood == "neg" and r < 0.015:  # whole comment in capitals
        text = text.upper()
    elif r < (0.10 if mood == "neg" else 0.04):
        cands = [m for m in WORD_RE.finditer(text) if m.group(0).lower() in CAPS_CANDIDATES]
        if cands:
            for m in rng.sample(cands, k=min(len(cands), rng.choice([1, 1, 2]))):
                text = text[:m.start()] + m.group(0).upper() + text[m.end():]
    # elongation of the last word or of the final punctuation
    if rng.random() < 0.07:
        m = re.search(r"([aeiou])([^\w]*)$", text)
        if m:
            text = text[:m.start()] + m.group(1) * rng.randint(3, 6) + m.group(2)
    if rng.random() < 0.05:
        text = text.rstrip(".! ") + rng.choice(["!!!!", "!!!!!", "?!?!", "...."])
    # emoji / emoticons
    pol = "neg" if mood in ("neg", "mix_neg") else "pos"  # mixed: follow the last clause
    r = rng.random()
    if r < (0.15 if mobile else 0.08):
        e = rng.choice(EMOJI[pol])
        e = e * rng.choice([1, 1, 1, 2, 3])
        text = text + rng.choice([" ", " ", ""]) + e
    elif r < (0.19 if mobile else 0.12):
        text = text + " " + rng.choice(EMOTICON[pol])
    # stray double space
    if rng.random() < 0.015:
        sp = [m.start() for m in re.finditer(" ", text)]
        if sp:
            i = rng.choice(sp)
            text = text[:i] + " " + text[i:]
    return text


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def generate(rows, seed):
    """One dict per response: "row" (the CSV fields) and "drivers" (the (code, polarity)
    pairs behind the scores; not written to the CSV, empty when motivo is empty)."""
    rng = random.Random(seed)
    days = sorted(rng.randrange(DAYS) for _ in range(rows))
    out = []
    for i, day in enumerate(days, start=1):
        date = START + datetime.timedelta(days=day)
        t = day / (DAYS - 1)
        segment = "B2B" if rng.random() < B2B_SHARE else "B2C"
        channel = weighted(rng, CHANNELS, CHANNEL_W[segment])
        stage = weighted(rng, STAGES, STAGE_W[channel])
        drivers = draw_drivers(rng, t, channel, stage, segment)
        nps, ces, csat = draw_scores(rng, drivers, segment)
        if rng.random() < EMPTY_SHARE:
            motivo, label = "", ""
        else:
            for _ in range(20):  # keep comments within 3-60 words
                text, mood = compose(rng, drivers, nps, channel, stage, segment, date)
                motivo = add_noise(rng, text, mood, channel)
                if 3 <= len(motivo.split()) <= 60:
                    break
            codes = [d for d, _ in drivers]
            label = "|".join(d for d in DRIVER_ORDER if d in codes)
        polarity = dict(drivers) if motivo else {}
        praised = "|".join(d for d in DRIVER_ORDER if polarity.get(d) == "pos")
        blamed = "|".join(d for d in DRIVER_ORDER if polarity.get(d) == "neg")
        out.append({"row": [i, date.isoformat(), channel, segment, stage, nps, ces, csat,
                            motivo, label, praised, blamed],
                    "drivers": drivers if motivo else []})
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2400, help="number of responses (default 2400)")
    ap.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    ap.add_argument("--out", default=os.path.join(here, "survey.csv"),
                    help="output CSV (default: survey.csv next to this script)")
    args = ap.parse_args()
    if args.rows < 1:
        ap.error(f"--rows must be positive, got {args.rows}")

    rows = generate(args.rows, args.seed)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "data", "canale", "segmento", "fase", "nps", "ces", "csat", "motivo",
                    "driver", "positivi", "negativi"])
        w.writerows(r["row"] for r in rows)


if __name__ == "__main__":
    main()

// SPDX-License-Identifier: Apache-2.0
// summarize(SurveyAnalysis): the summary in words (perche/survey.hpp, SummarySentence), in Italian
// and English, and format_number(), the one way its numbers are written. Every sentence is made
// from figures of the analysis and records where each sits in to_json's document (a JSON Pointer),
// so that a test, or a reader, can check it against the figures. A word of significance is only
// ever written where the analysis holds a test that says so.
#include <perche/survey.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace perche {

std::string format_number(double value, int decimals, std::string_view lang, bool sign) {
  if (decimals < 0 || decimals > 6)
    throw std::invalid_argument("format_number: decimals " + std::to_string(decimals) + " is outside [0, 6]");
  if (lang != "it" && lang != "en")
    throw std::invalid_argument("format_number: lang '" + std::string(lang) + "' is not 'it' or 'en'");
  if (!std::isfinite(value)) return "—";
  char buf[400];  // |value| < 1.8e308: at most 309 integer digits
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(value));
  const std::string digits(buf);
  const bool zero = digits.find_first_not_of("0.") == std::string::npos;
  const auto point = digits.find('.');
  const std::string whole = digits.substr(0, point);
  const char group = lang == "it" ? '.' : ',', decimal = lang == "it" ? ',' : '.';
  std::string out;
  if (!zero && value < 0)
    out = "\xE2\x88\x92";  // U+2212 MINUS SIGN
  else if (!zero && sign)
    out = "+";
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += group;
    out += whole[i];
  }
  if (point != std::string::npos) out += decimal + digits.substr(point + 1);
  return out;
}

namespace {

// A JSON Pointer (RFC 6901) reference token: "~" is written "~0" and "/" "~1".
std::string token(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string at(std::string_view base, std::size_t i) { return std::string(base) + "/" + std::to_string(i); }

// Both languages of one sentence, and the figures it quotes.
struct Words {
  std::string it, en;
};

class Summary {
 public:
  explicit Summary(const SurveyAnalysis& a) : a_(a) {}

  std::vector<SummarySentence> make() {
    score();
    definition();
    few_responses();
    trend();
    out_of_domain();
    drivers();
    segments();
    driver_trend();
    rejected_rows();
    return std::move(out_);
  }

 private:
  // --- numbers in words ---------------------------------------------------------------------------
  std::string num(double v, int d, std::string_view lang, bool sign = false) const {
    return format_number(v, d, lang, sign);
  }
  std::string count(std::uint64_t n, std::string_view lang) const {
    return format_number(static_cast<double>(n), 0, lang);
  }
  int score_decimals() const { return a_.metric == Metric::ces && a_.aggregation == Aggregation::mean ? 2 : 1; }
  // A score as the report prints it: NPS and net scores signed, a top-box share with "%".
  std::string score_text(double v, std::string_view lang) const {
    const bool net = a_.metric == Metric::nps || a_.aggregation == Aggregation::net;
    const bool top_box = a_.metric != Metric::nps && a_.aggregation == Aggregation::top_box;
    return num(v, score_decimals(), lang, net) + (top_box ? "%" : "");
  }
  // A difference of scores (impact, change): always signed, in the score's decimals, or one or
  // two more when it would round to 0 (an interval from +0,03 is not one from 0,0).
  std::string diff_text(double v, std::string_view lang) const {
    int d = score_decimals();
    while (d < score_decimals() + 2 && v != 0 && std::fabs(v) < 0.5 * std::pow(10.0, -d)) ++d;
    return num(v, d, lang, true);
  }
  // The unit of a difference of scores.
  std::string unit(std::string_view lang) const {
    const bool it = lang == "it";
    if (a_.metric == Metric::nps || a_.aggregation == Aggregation::net) return it ? " punti" : " points";
    if (a_.aggregation == Aggregation::top_box) return it ? " punti percentuali" : " percentage points";
    return "";  // a mean: scale units
  }
  std::string share(double v, std::string_view lang, int d = 1) const { return num(100 * v, d, lang) + "%"; }
  // Whether an Italian article elides before a written number: it is read with a vowel first
  // ("l'11%", "l'8%", "l'80%", "l'1,5%"; "il 20%").
  static bool elides(std::string_view number) {
    const auto whole = number.substr(0, number.find_first_of(",%"));
    return whole == "1" || whole == "11" || (!whole.empty() && whole[0] == '8');
  }
  // The article (or article and preposition: "il", "dal", "al") before a written number.
  static std::string article(std::string_view with, std::string_view number) {
    const bool e = elides(number);
    if (with == "da") return e ? "dall'" : "dal ";
    if (with == "a") return e ? "all'" : "al ";
    return e ? "l'" : "il ";
  }
  // "p < 0,001", "p = 0,012", "p = 0,52".
  std::string p_text(double p, std::string_view lang) const {
    if (p < 0.001) return "p < " + num(0.001, 3, lang);
    return "p = " + num(p, p < 0.1 ? 3 : 2, lang);
  }
  std::string confidence(std::string_view lang) const {
    const double c = 100 * a_.confidence;
    return lang == "it" ? "IC " + num(c, c == std::round(c) ? 0 : 1, lang) + "%"
                        : num(c, c == std::round(c) ? 0 : 1, lang) + "% CI";
  }
  // "IC 95% da −10,2 a −6,0" / "95% CI −10.2 to −6.0".
  std::string interval(double lo, double hi, std::string_view lang, bool diff, bool named = true) const {
    auto f = [&](double v) { return diff ? diff_text(v, lang) : score_text(v, lang); };
    if (lang == "it") return (named ? confidence(lang) : std::string("IC")) + " da " + f(lo) + " a " + f(hi);
    return (named ? confidence(lang) : std::string("CI")) + " " + f(lo) + " to " + f(hi);
  }
  std::string name() const { return a_.metric == Metric::nps ? "NPS" : a_.metric == Metric::csat ? "CSAT" : "CES"; }
  // "l'NPS", "il CSAT" (Italian takes an article; `capital` at the start of a sentence).
  std::string the(std::string_view lang, bool capital = false) const {
    if (lang != "it") return name();
    if (a_.metric == Metric::nps) return (capital ? "L'" : "l'") + name();
    return (capital ? "Il " : "il ") + name();
  }
  std::string quote(std::string_view s, std::string_view lang) const {
    return lang == "it" ? "«" + std::string(s) + "»" : "“" + std::string(s) + "”";
  }
  // "Tempi di attesa", "Tempi di attesa e Cortesia", "A, B e C".
  static std::string join(const std::vector<std::string>& items, std::string_view lang, std::string_view sep = ", ") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += i + 1 == items.size() ? (lang == "it" ? " e " : " and ") : std::string(sep);
      out += items[i];
    }
    return out;
  }

  // --- figures -------------------------------------------------------------------------------------
  void add(std::string code, std::vector<SummaryFigure> figures, Words w) {
    out_.push_back({std::move(code), std::move(figures), std::move(w.it), std::move(w.en)});
  }
  static SummaryFigure fig(std::string name, std::string source, double v) {
    return {std::move(name), std::move(source), v};
  }
  static SummaryFigure fig(std::string name, std::string source, std::uint64_t v) {
    return {std::move(name), std::move(source), v};
  }
  static SummaryFigure fig(std::string name, std::string source, std::string v) {
    return {std::move(name), std::move(source), std::move(v)};
  }
  // The display label of a driver code, as to_json writes it (model.labels, else the code).
  std::string label(const std::string& driver) const {
    for (std::size_t j = 0; j < a_.model.drivers.size() && j < a_.model.labels.size(); ++j)
      if (a_.model.drivers[j] == driver) return a_.model.labels[j];
    return driver;
  }
  bool has_label(const std::string& driver) const {
    return std::find(a_.model.drivers.begin(), a_.model.drivers.end(), driver) != a_.model.drivers.end();
  }

  // --- sentences -----------------------------------------------------------------------------------
  void score() {
    if (!a_.overall) return;
    const auto& o = *a_.overall;
    std::vector<SummaryFigure> f = {fig("score", "/overall/score", o.score),
                                    fig("confidence", "/confidence", a_.confidence),
                                    fig("ci_low", "/overall/ci_low", o.ci_low),
                                    fig("ci_high", "/overall/ci_high", o.ci_high), fig("n", "/overall/n", o.n)};
    Words w;
    for (const std::string_view lang : {"it", "en"}) {
      const bool it = lang == "it";
      std::string s = the(lang, true) + (it ? " è " : " is ") + score_text(o.score, lang) + " (" +
                      interval(o.ci_low, o.ci_high, lang, false) + (it ? ") su " : ") from ") + count(o.n, lang) +
                      (it ? (o.n == 1 ? " risposta" : " risposte") : (o.n == 1 ? " response" : " responses"));
      (it ? w.it : w.en) = s;
    }
    // An adjusted interval with few responses can leave the observed score outside it: say where
    // it is centred, so that the pair is never read as a mistake.
    if (o.score < o.ci_low || o.score > o.ci_high) {
      f.push_back(fig("center", "/overall/center", o.center));
      w.it += "; con poche risposte l'intervallo è centrato su " + score_text(o.center, "it") +
              ", una stima corretta per i piccoli campioni";
      w.en +=
          "; with few responses the interval is centred on " + score_text(o.center, "en") + ", a small-sample estimate";
    }
    w.it += ".";
    w.en += ".";
    add("score", std::move(f), std::move(w));
  }

  void definition() {
    if (!a_.overall) return;
    const auto range = [](int lo, int hi) {
      return lo == hi ? std::to_string(lo) : std::to_string(lo) + "–" + std::to_string(hi);
    };
    Words w;
    if (a_.metric == Metric::nps) {
      const NpsBreaks b;
      w.it = "L'NPS è la quota di promotori (voto " + range(b.promoter_min, a_.scale_max) +
             ") meno quella di detrattori (voto " + range(a_.scale_min, b.detractor_max) +
             "), in punti da −100 a +100.";
      w.en = "NPS is the share of promoters (score " + range(b.promoter_min, a_.scale_max) +
             ") minus the share of detractors (score " + range(a_.scale_min, b.detractor_max) +
             "), in points from −100 to +100.";
      add("definition", {}, std::move(w));
      return;
    }
    const int lo = a_.scale_min, hi = a_.scale_max, k = a_.top;
    // The best and the worst `top` levels (the best is scale_min when the scale is reversed).
    const std::string best_it = a_.reversed ? range(lo, lo + k - 1) : range(hi - k + 1, hi);
    const std::string worst = a_.reversed ? range(hi - k + 1, hi) : range(lo, lo + k - 1);
    const std::string scale = range(lo, hi);
    const std::string best_level = std::to_string(a_.reversed ? lo : hi);
    switch (a_.aggregation) {
      case Aggregation::top_box:
        w.it = the("it", true) + " è la quota di risposte " + best_it + " sulla scala " + scale + ", in percentuale.";
        w.en = name() + " is the share of answers " + best_it + " on the " + scale + " scale, in percent.";
        break;
      case Aggregation::net:
        w.it = the("it", true) + " è la quota di risposte " + best_it + " meno quella di risposte " + worst +
               " sulla scala " + scale + ", in punti.";
        w.en = name() + " is the share of answers " + best_it + " minus the share of answers " + worst + " on the " +
               scale + " scale, in points.";
        break;
      case Aggregation::mean:
        w.it = the("it", true) + " è il voto medio sulla scala " + scale + "; il voto migliore è " + best_level + ".";
        w.en = name() + " is the mean answer on the " + scale + " scale; the best answer is " + best_level + ".";
        break;
    }
    add("definition", {}, std::move(w));
  }

  void few_responses() {
    if (!a_.overall || a_.overall->n >= kFewResponses) return;
    const auto n = a_.overall->n;
    add("few_responses", {fig("n", "/overall/n", n)},
        {"Le risposte sono solo " + count(n, "it") +
             ": gli intervalli sono ampi e le differenze vanno lette con cautela.",
         "Only " + count(n, "en") + (n == 1 ? " response" : " responses") +
             ": the intervals are wide; read differences with caution."});
  }

  void trend() {
    if (!a_.trend || a_.trend->periods.empty()) return;
    const auto& ps = a_.trend->periods;
    const std::size_t last = ps.size() - 1;
    if (ps.size() >= 2 && ps[last].diff_prev && ps[last].p_prev_holm) {
      const auto& p = ps[last];
      const std::string base = at("/trend/periods", last);
      const double d = *p.diff_prev, ph = *p.p_prev_holm;
      // The report's test of consecutive periods: Holm-adjusted over the trend, against alpha.
      const bool significant = ph < a_.alpha;
      std::string it_verdict = significant ? (d < 0 ? "un calo significativo" : "un aumento significativo")
                                           : "una variazione non significativa";
      std::string en_verdict =
          significant ? (d < 0 ? "a significant drop" : "a significant rise") : "not a significant change";
      add("trend_last",
          {fig("period", base + "/period", p.period), fig("score", base + "/score", p.result.score),
           fig("diff_prev", base + "/diff_prev", d),
           fig("previous_period", at("/trend/periods", last - 1) + "/period", ps[last - 1].period),
           fig("p_prev_holm", base + "/p_prev_holm", ph)},
          {"Nell'ultimo periodo (" + p.period + ") " + the("it") + " è " + score_text(p.result.score, "it") + ", " +
               diff_text(d, "it") + unit("it") + " rispetto al precedente (" + ps[last - 1].period +
               "): " + it_verdict + " (" + p_text(ph, "it") + " dopo la correzione di Holm).",
           "In the last period (" + p.period + ") " + name() + " is " + score_text(p.result.score, "en") + ", " +
               diff_text(d, "en") + unit("en") + " against the one before (" + ps[last - 1].period +
               "): " + en_verdict + " (" + p_text(ph, "en") + ", Holm-adjusted)."});
    }
    if (const auto& t = a_.trend->test) {
      std::vector<SummaryFigure> f = {fig("first_period", "/trend/periods/0/period", ps.front().period),
                                      fig("last_period", at("/trend/periods", last) + "/period", ps[last].period)};
      const std::string span_it = "da " + ps.front().period + " a " + ps[last].period;
      const std::string span_en = "from " + ps.front().period + " to " + ps[last].period;
      if (t->declining || t->increasing) {
        f.push_back(fig("slope", "/trend/test/slope", t->slope));
        f.push_back(fig("p_value", "/trend/test/p_value", t->p_value));
        add("trend_test", std::move(f),
            {"Nell'insieme, " + span_it + ", " + the("it") + " è in " +
                 (t->declining ? "calo significativo: " : "crescita significativa: ") + num(t->slope, 2, "it", true) +
                 unit("it") + " per periodo (Mann–Kendall, " + p_text(t->p_value, "it") + ").",
             "Overall, " + span_en + ", " + name() + " is " +
                 (t->declining ? "declining significantly: " : "rising significantly: ") +
                 num(t->slope, 2, "en", true) + unit("en") + " per period (Mann–Kendall, " + p_text(t->p_value, "en") +
                 ")."});
      } else {
        f.push_back(fig("p_value", "/trend/test/p_value", t->p_value));
        add("trend_test", std::move(f),
            {"Nell'insieme, " + span_it + ", " + the("it") + " non ha un trend significativo (Mann–Kendall, " +
                 p_text(t->p_value, "it") + ").",
             "Overall, " + span_en + ", " + name() + " has no significant trend (Mann–Kendall, " +
                 p_text(t->p_value, "en") + ")."});
      }
    }
  }

  void out_of_domain() {
    const auto& c = a_.model.coverage;
    if (!c || !c->out_of_domain) return;
    const std::string what_it = a_.model.kind == "codebook"  ? "del codebook"
                                : a_.model.kind == "default" ? "del modello predefinito"
                                                             : "del modello";
    const std::string what_en = a_.model.kind == "codebook"  ? "the codebook's"
                                : a_.model.kind == "default" ? "the default model's"
                                                             : "the model's";
    std::string figure_it, figure_en;
    std::vector<SummaryFigure> f;
    auto quoted = [&](const char* key, double v, double threshold, const char* it, const char* en) {
      f.push_back(fig(key, std::string("/model/coverage/") + key, v));
      f.push_back(fig(std::string("threshold"),
                      std::string("/model/coverage/thresholds/") +
                          (std::string_view(key) == "driver_share" ? "codebook_driver_share" : key),
                      threshold));
      figure_it = std::string(it) + ": " + share(v, "it", 0) + ", soglia " + share(threshold, "it", 0);
      figure_en = std::string(en) + ": " + share(v, "en", 0) + ", threshold " + share(threshold, "en", 0);
    };
    if (c->known_share && *c->known_share < kMinKnownShare)
      quoted("known_share", *c->known_share, kMinKnownShare, "commenti con abbastanza parole note",
             "comments with enough known words");
    else if (c->vocabulary_overlap && *c->vocabulary_overlap < kMinVocabularyOverlap)
      quoted("vocabulary_overlap", *c->vocabulary_overlap, kMinVocabularyOverlap, "parole dei commenti nel vocabolario",
             "words of the comments in its vocabulary");
    else if (c->low_top_share && *c->low_top_share > kMaxLowTopShare) {
      f.push_back(fig("below_training_p10", "/model/coverage/top_probability/below_training_p10", *c->low_top_share));
      f.push_back(fig(std::string("threshold"), "/model/coverage/thresholds/below_training_p10", kMaxLowTopShare));
      figure_it = "commenti meno sicuri del 90% di quelli di addestramento: " + share(*c->low_top_share, "it", 0) +
                  ", soglia " + share(kMaxLowTopShare, "it", 0);
      figure_en = "comments less sure than 90% of the training ones: " + share(*c->low_top_share, "en", 0) +
                  ", threshold " + share(kMaxLowTopShare, "en", 0);
    } else if (!c->known_share)
      quoted("driver_share", c->driver_share, kMinCodebookShare, "commenti con almeno un tema",
             "comments with at least one theme");
    add("out_of_domain", std::move(f),
        {"Attenzione: i commenti sembrano fuori dal dominio " + what_it +
             (figure_it.empty() ? std::string() : " (" + figure_it + ")") +
             ": i driver di questo report sono poco affidabili.",
         "Warning: the comments look out of " + what_en + " domain" +
             (figure_en.empty() ? std::string() : " (" + figure_en + ")") +
             ": the drivers of this report are unreliable."});
  }

  void drivers() {
    // Drivers to read and no comment to read them in: said where a manager looks (red-team, stop
    // 42: only a note at the page's foot said so, above empty charts).
    if (!a_.drivers.empty() && a_.comments == 0)
      add("no_comments", {fig("comments", "/comments", a_.comments)},
          {"Nessuna risposta ha un commento: i driver non si possono stimare.",
           "No response has a comment: the drivers cannot be estimated."});
    std::vector<std::size_t> drags, lifts;
    bool any_impact = false;
    for (std::size_t i = 0; i < a_.drivers.size(); ++i) {
      const auto& d = a_.drivers[i];
      if (!d.impact) continue;
      any_impact = true;
      // A driver is named only when its impact is significant (impact_significant: its interval
      // excludes 0 and the Holm-adjusted p-value over the drivers is below 1 − confidence).
      if (!d.impact_significant || d.few_mentions || !d.impact_ci_low || !d.impact_ci_high) continue;
      if (*d.impact < 0 && *d.impact_ci_high < 0) drags.push_back(i);
      if (*d.impact > 0 && *d.impact_ci_low > 0) lifts.push_back(i);
    }
    std::stable_sort(drags.begin(), drags.end(),
                     [&](std::size_t x, std::size_t y) { return *a_.drivers[x].impact < *a_.drivers[y].impact; });
    std::stable_sort(lifts.begin(), lifts.end(),
                     [&](std::size_t x, std::size_t y) { return *a_.drivers[x].impact > *a_.drivers[y].impact; });
    if (drags.size() > 3) drags.resize(3);
    if (lifts.size() > 3) lifts.resize(3);
    auto impact_figures = [&](std::size_t i) {
      const auto& d = a_.drivers[i];
      const std::string base = at("/drivers", i);
      return std::vector<SummaryFigure>{fig("driver", base + "/label", label(d.driver)),
                                        fig("impact", base + "/impact", *d.impact),
                                        fig("confidence", "/confidence", a_.confidence),
                                        fig("impact_ci_low", base + "/impact_ci_low", *d.impact_ci_low),
                                        fig("impact_ci_high", base + "/impact_ci_high", *d.impact_ci_high)};
    };
    for (std::size_t r = 0; r < drags.size(); ++r) {
      const auto& d = a_.drivers[drags[r]];
      auto f = impact_figures(drags[r]);
      f.push_back(fig("share", at("/drivers", drags[r]) + "/share", d.share));
      const std::string l = label(d.driver);
      // The label leads no verb: "Tempi di attesa" is plural, "Consegna" singular.
      const std::string head_it = r == 0 ? "Il driver che abbassa di più " + the("it") + " è " + l + ": impatto "
                                         : "Abbassa " + the("it") + " anche " + l + ": impatto ";
      const std::string head_en = r == 0 ? "The driver that lowers " + name() + " most is " + l + ": impact "
                                         : "Also lowering " + name() + ": " + l + ", impact ";
      add("drag", std::move(f),
          {head_it + diff_text(*d.impact, "it") + unit("it") + " (" +
               interval(*d.impact_ci_low, *d.impact_ci_high, "it", true) + "); ne parla " +
               article("", share(d.share, "it")) + share(d.share, "it") + " dei commenti.",
           head_en + diff_text(*d.impact, "en") + unit("en") + " (" +
               interval(*d.impact_ci_low, *d.impact_ci_high, "en", true) + "); " + share(d.share, "en") +
               " of the comments mention it."});
    }
    if (drags.empty() && any_impact)
      add("no_drag", {},
          {"Nessun driver abbassa " + the("it") +
               " al di là dell'incertezza (un intervallo dell'impatto che esclude lo zero, con la correzione di "
               "Holm sui driver).",
           "No driver lowers " + name() +
               " beyond the uncertainty (an impact interval that excludes zero, with Holm's adjustment over the "
               "drivers)."});
    if (!lifts.empty()) {
      std::vector<SummaryFigure> f;
      std::vector<std::string> it, en;
      for (std::size_t r = 0; r < lifts.size(); ++r) {
        const auto& d = a_.drivers[lifts[r]];
        auto g = impact_figures(lifts[r]);
        if (r > 0) g.erase(g.begin() + 2);  // the confidence level is quoted once
        f.insert(f.end(), g.begin(), g.end());
        it.push_back(label(d.driver) + " (impatto " + diff_text(*d.impact, "it") + unit("it") + ", " +
                     interval(*d.impact_ci_low, *d.impact_ci_high, "it", true, r == 0) + ")");
        en.push_back(label(d.driver) + " (impact " + diff_text(*d.impact, "en") + unit("en") + ", " +
                     interval(*d.impact_ci_low, *d.impact_ci_high, "en", true, r == 0) + ")");
      }
      add("strengths", std::move(f),
          // Not "Punti di forza": the priority matrix names so the frequent ones alone (red-team,
          // stop 42: a rare driver listed here sat among the matrix's "Secondari").
          {std::string(it.size() == 1 ? "Alza " : "Alzano ") + the("it") + ": " + join(it, "it", "; ") + ".",
           "Raising " + name() + ": " + join(en, "en", "; ") + "."});
    }
    pain_points(drags);
  }

  // The negative (or mixed) mentions whose impact's interval lies below 0, most negative first,
  // of drivers not already named as a drag (whose sentence says what they cost).
  void pain_points(const std::vector<std::size_t>& drags) {
    std::vector<std::pair<std::size_t, const DriverSentiment*>> pains;
    for (std::size_t i = 0; i < a_.drivers.size(); ++i) {
      if (std::find(drags.begin(), drags.end(), i) != drags.end()) continue;
      for (const auto& s : a_.driver_sentiment)
        if (s.driver == a_.drivers[i].driver && s.pain_point && s.negative_impact && s.negative_ci_low &&
            s.negative_ci_high && *s.negative_impact < 0 && *s.negative_ci_high < 0)
          pains.emplace_back(i, &s);
    }
    if (pains.empty()) return;
    std::stable_sort(pains.begin(), pains.end(), [](const auto& x, const auto& y) {
      return *x.second->negative_impact < *y.second->negative_impact;
    });
    if (pains.size() > 3) pains.resize(3);
    std::vector<SummaryFigure> f;
    std::vector<std::string> it, en;
    for (std::size_t r = 0; r < pains.size(); ++r) {
      const auto& [i, s] = pains[r];
      const std::string base = at("/drivers", i);
      f.push_back(fig("driver", base + "/label", label(s->driver)));
      f.push_back(fig("negative_impact", base + "/sentiment/negative_impact", *s->negative_impact));
      if (r == 0) f.push_back(fig("confidence", "/confidence", a_.confidence));
      f.push_back(fig("negative_ci_low", base + "/sentiment/negative_ci_low", *s->negative_ci_low));
      f.push_back(fig("negative_ci_high", base + "/sentiment/negative_ci_high", *s->negative_ci_high));
      it.push_back(label(s->driver) + " (" + diff_text(*s->negative_impact, "it") + unit("it") + ", " +
                   interval(*s->negative_ci_low, *s->negative_ci_high, "it", true, r == 0) + ")");
      en.push_back(label(s->driver) + " (" + diff_text(*s->negative_impact, "en") + unit("en") + ", " +
                   interval(*s->negative_ci_low, *s->negative_ci_high, "en", true, r == 0) + ")");
    }
    const bool others = !drags.empty();
    add("pain_points", std::move(f),
        {std::string(others ? "Altri punti dolenti" : "Punti dolenti") + " (menzioni negative o miste che abbassano " +
             the("it") + " più degli altri commenti negativi): " + join(it, "it", "; ") + ".",
         std::string(others ? "Other pain points" : "Pain points") + " (negative or mixed mentions that lower " +
             name() + " more than the other negative comments do): " + join(en, "en", "; ") + "."});
  }

  void segments() {
    struct Gap {
      std::size_t s, g;
      double diff;
    };
    std::vector<Gap> gaps;
    std::vector<std::size_t> without_gap;  // columns with segments tested and none significant
    for (std::size_t s = 0; s < a_.segments.size(); ++s) {
      std::size_t tested = 0, significant = 0;
      for (std::size_t g = 0; g < a_.segments[s].groups.size(); ++g) {
        const auto& x = a_.segments[s].groups[g];
        if (!x.p_holm || !x.diff_vs_rest) continue;
        ++tested;
        // significant is p_holm < alpha (the JSON's flag): the only gaps called significant.
        if (x.significant) {
          ++significant;
          gaps.push_back({s, g, *x.diff_vs_rest});
        }
      }
      if (tested >= 2 && significant == 0) without_gap.push_back(s);
    }
    std::stable_sort(gaps.begin(), gaps.end(),
                     [](const Gap& x, const Gap& y) { return std::fabs(x.diff) > std::fabs(y.diff); });
    if (gaps.size() > 3) gaps.resize(3);
    for (const auto& gap : gaps) {
      const auto& col = a_.segments[gap.s].column;
      const auto& x = a_.segments[gap.s].groups[gap.g];
      const std::string base = at(at("/segments", gap.s) + "/groups", gap.g);
      add("segment_gap",
          {fig("segment", base + "/segment", x.segment), fig("column", at("/segments", gap.s) + "/column", col),
           fig("score", base + "/score", x.result.score), fig("diff_vs_rest", base + "/diff_vs_rest", gap.diff),
           fig("p_holm", base + "/p_holm", *x.p_holm)},
          {"Segmento " + col + " = " + quote(x.segment, "it") + ": " + the("it") + " è " +
               score_text(x.result.score, "it") + ", " + diff_text(gap.diff, "it") + unit("it") +
               " rispetto al resto; differenza significativa (" + p_text(*x.p_holm, "it") +
               " dopo la correzione di Holm).",
           "Segment " + col + " = " + quote(x.segment, "en") + ": " + name() + " is " +
               score_text(x.result.score, "en") + ", " + diff_text(gap.diff, "en") + unit("en") +
               " against the rest; a significant difference (" + p_text(*x.p_holm, "en") + ", Holm-adjusted)."});
    }
    for (const std::size_t s : without_gap) {
      const auto& col = a_.segments[s].column;
      add("no_segment_gap", {fig("column", at("/segments", s) + "/column", col)},
          {"Nessuna differenza significativa tra i segmenti della colonna " + quote(col, "it") +
               " (ognuno confrontato con il resto, correzione di Holm).",
           "No significant difference between the segments of the column " + quote(col, "en") +
               " (each compared with the rest, Holm-adjusted)."});
    }
  }

  void driver_trend() {
    std::vector<std::size_t> moving;
    for (std::size_t i = 0; i < a_.driver_trend.size(); ++i) {
      const auto& t = a_.driver_trend[i];
      if (t.test && (t.test->increasing || t.test->declining) && t.periods.size() >= 2 && has_label(t.driver))
        moving.push_back(i);
    }
    std::stable_sort(moving.begin(), moving.end(), [&](std::size_t x, std::size_t y) {
      return a_.driver_trend[x].p_holm.value_or(1.0) < a_.driver_trend[y].p_holm.value_or(1.0);
    });
    if (moving.size() > 3) moving.resize(3);
    for (const std::size_t i : moving) {
      const auto& t = a_.driver_trend[i];
      const std::size_t last = t.periods.size() - 1;
      const std::string base = at("/driver_trend", i);
      const bool up = t.test->increasing;
      const auto& first = t.periods.front();
      const auto& end = t.periods[last];
      add("driver_trend",
          {fig("driver", "/model/labels/" + token(t.driver), label(t.driver)),
           fig("first_share", base + "/periods/0/share", first.share),
           fig("first_period", base + "/periods/0/period", first.period),
           fig("last_share", at(base + "/periods", last) + "/share", end.share),
           fig("last_period", at(base + "/periods", last) + "/period", end.period),
           fig("p_holm", base + "/p_holm", t.p_holm.value_or(1.0))},
          {std::string(up ? "Cresce" : "Cala") + " nel tempo la quota di commenti su " + label(t.driver) + ": " +
               article("da", share(first.share, "it")) + share(first.share, "it") + " (" + first.period + ") " +
               article("a", share(end.share, "it")) + share(end.share, "it") + " (" + end.period +
               "); trend significativo (Mann–Kendall, " + p_text(t.p_holm.value_or(1.0), "it") +
               " dopo la correzione di Holm sui driver).",
           std::string(up ? "Rising" : "Falling") + " over time: the share of comments on " + label(t.driver) +
               ", from " + share(first.share, "en") + " (" + first.period + ") to " + share(end.share, "en") + " (" +
               end.period + "); a significant trend (Mann–Kendall, " + p_text(t.p_holm.value_or(1.0), "en") +
               ", Holm-adjusted over the drivers)."});
    }
  }

  void rejected_rows() {
    const auto& s = a_.source;
    if (s.bad_rows == 0) return;
    add("rejected_rows", {fig("bad_rows", "/source/bad_rows", s.bad_rows), fig("rows", "/source/rows", s.rows)},
        {count(s.bad_rows, "it") + (s.bad_rows == 1 ? " riga" : " righe") + " su " + count(s.rows, "it") +
             (s.bad_rows == 1 ? " è stata scartata" : " sono state scartate") +
             " (voto mancante o non valido, o riga illeggibile): i dettagli sono tra i problemi dell'input.",
         count(s.bad_rows, "en") + " of " + count(s.rows, "en") + (s.rows == 1 ? " row" : " rows") +
             (s.bad_rows == 1 ? " was" : " were") +
             " left out (a missing or invalid score, or an unreadable row): the input's problems list them."});
  }

  const SurveyAnalysis& a_;
  std::vector<SummarySentence> out_;
};

}  // namespace

std::vector<SummarySentence> summarize(const SurveyAnalysis& analysis) { return Summary(analysis).make(); }

}  // namespace perche

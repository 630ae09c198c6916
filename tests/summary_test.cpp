// SPDX-License-Identifier: Apache-2.0
// The summary in words (perche::summarize, perche/survey.hpp) on analyses built by hand: what it
// names, what it never claims, and how it writes numbers in Italian and English. The expected
// texts are written here from the figures given, not taken from the code's output.
#include <doctest/doctest.h>

#include <perche/survey.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace perche;

namespace {

SurveyAnalysis analysis(std::uint64_t n = 2400) {
  SurveyAnalysis a;
  a.metric = Metric::nps;
  a.scale_min = 0;
  a.scale_max = 10;
  a.overall = ScoreSummary{16.75, 1.7, 13.3, 20.2, 16.75, n, CiMethod::adjusted_wald, 0.38, 0.40, 0.2125};
  a.source.rows = a.source.rows_used = n;
  a.model.kind = "model";
  a.model.drivers = {"attesa", "cortesia", "prezzo", "app"};
  a.model.labels = {"Tempi di attesa", "Cortesia", "Prezzo e costi", "App e sito"};
  return a;
}

DriverImpact driver(const std::string& code, double impact, double lo, double hi, double share) {
  DriverImpact d;
  d.driver = code;
  d.mentions = 500;
  d.share = share;
  d.impact = impact;
  d.impact_ci_low = lo;
  d.impact_ci_high = hi;
  d.impact_significant = lo > 0 || hi < 0;
  return d;
}

std::vector<const SummarySentence*> with_code(const std::vector<SummarySentence>& s, const std::string& code) {
  std::vector<const SummarySentence*> out;
  for (const auto& x : s)
    if (x.code == code) out.push_back(&x);
  return out;
}

// Pointers into a temporary would dangle: only a summary held by the caller.
std::vector<const SummarySentence*> with_code(std::vector<SummarySentence>&&, const std::string&) = delete;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_text_contains(const std::vector<SummarySentence>& s, const std::string& part) {
  for (const auto& x : s)
    if (contains(x.text_it, part) || contains(x.text_en, part)) return true;
  return false;
}

double number(const SummaryFigure& f) { return std::get<double>(f.value); }

}  // namespace

TEST_CASE("format_number: Italian decimal comma and thousands point, English the other way, U+2212 minus") {
  CHECK(format_number(1234.5, 1, "it") == "1.234,5");
  CHECK(format_number(1234.5, 1, "en") == "1,234.5");
  CHECK(format_number(1234567, 0, "it") == "1.234.567");
  CHECK(format_number(999, 0, "it") == "999");
  CHECK(format_number(16.75, 1, "it", true) == "+16,8");
  CHECK(format_number(-8.06, 1, "it", true) ==
        "\xE2\x88\x92"
        "8,1");
  CHECK(format_number(-8.06, 1, "it") ==
        "\xE2\x88\x92"
        "8,1");                                         // a negative value always has its sign
  CHECK(format_number(-0.04, 1, "it", true) == "0,0");  // rounds to 0: no sign
  CHECK(format_number(0.0, 2, "en", true) == "0.00");
  CHECK(format_number(-1234.5, 2, "en", true) ==
        "\xE2\x88\x92"
        "1,234.50");
  CHECK(format_number(std::nan(""), 1, "it") == "—");
  CHECK_THROWS_AS(format_number(1, 7, "it"), std::invalid_argument);
  CHECK_THROWS_AS(format_number(1, 1, "de"), std::invalid_argument);
}

TEST_CASE("summary: the score with its interval and n, the Italian way and the English way") {
  const auto s = summarize(analysis());
  REQUIRE(!s.empty());
  CHECK(s[0].code == "score");
  CHECK(s[0].text_it == "L'NPS è +16,8 (IC 95% da +13,3 a +20,2) su 2.400 risposte.");
  CHECK(s[0].text_en == "NPS is +16.8 (95% CI +13.3 to +20.2) from 2,400 responses.");
  REQUIRE(s[0].figures.size() == 5);
  CHECK(s[0].figures[0].source == "/overall/score");
  CHECK(number(s[0].figures[0]) == 16.75);
  CHECK(std::get<std::uint64_t>(s[0].figures[4].value) == 2400);
  CHECK(s[1].code == "definition");
  CHECK(contains(s[1].text_it, "promotori (voto 9–10) meno quella di detrattori (voto 0–6)"));
  CHECK(s[1].figures.empty());
}

TEST_CASE("summary: a driver whose impact interval excludes 0 is named as a drag with its impact and interval") {
  auto a = analysis();
  a.drivers = {driver("attesa", -8.06, -10.2, -6.0, 0.283), driver("cortesia", 3.2, 1.5, 4.9, 0.2)};
  const auto s = summarize(a);
  const auto drags = with_code(s, "drag");
  REQUIRE(drags.size() == 1);
  CHECK(drags[0]->text_it ==
        "Il driver che abbassa di più l'NPS è Tempi di attesa: impatto −8,1 punti (IC 95% da −10,2 a −6,0); "
        "ne parla il 28,3% dei commenti.");
  CHECK(drags[0]->text_en ==
        "The driver that lowers NPS most is Tempi di attesa: impact −8.1 points (95% CI −10.2 to −6.0); 28.3% of "
        "the comments mention it.");
  CHECK(drags[0]->figures[1].source == "/drivers/0/impact");
  CHECK(number(drags[0]->figures[1]) == -8.06);
  const auto strengths = with_code(s, "strengths");
  REQUIRE(strengths.size() == 1);
  CHECK(contains(strengths[0]->text_it, "Cortesia (impatto +3,2 punti, IC 95% da +1,5 a +4,9)"));
  CHECK(with_code(s, "no_drag").empty());
  // A bound that rounds to 0 at one decimal gets more: "+0,03", never "0,0" for an interval above 0.
  a.drivers[1].impact_ci_low = 0.034;
  const auto t = summarize(a);
  CHECK(contains(with_code(t, "strengths").at(0)->text_it, "IC 95% da +0,03 a +4,9"));
}

TEST_CASE("summary: a driver whose interval includes 0, or with few mentions, is never called a drag") {
  auto a = analysis();
  a.drivers = {driver("prezzo", -2.0, -4.1, 0.3, 0.1), driver("app", -6.0, -6.0, -6.0, 0.005)};
  a.drivers[1].few_mentions = true;  // impact without an interval: not significant
  a.drivers[1].impact_ci_low.reset();
  a.drivers[1].impact_ci_high.reset();
  a.drivers[1].impact_significant = false;
  const auto s = summarize(a);
  CHECK(with_code(s, "drag").empty());
  CHECK(with_code(s, "strengths").empty());
  CHECK_FALSE(any_text_contains(s, "Prezzo e costi"));
  CHECK_FALSE(any_text_contains(s, "App e sito"));
  const auto none = with_code(s, "no_drag");
  REQUIRE(none.size() == 1);
  CHECK(none[0]->text_it ==
        "Nessun driver abbassa l'NPS al di là dell'incertezza (un intervallo dell'impatto che esclude lo zero, con "
        "la correzione di Holm sui driver).");
}

TEST_CASE("summary: at most three drags, the most negative first; the fourth is left out") {
  auto a = analysis();
  a.drivers = {driver("prezzo", -1.0, -2.0, -0.5, 0.1), driver("attesa", -9.0, -11.0, -7.0, 0.3),
               driver("app", -3.0, -4.0, -2.0, 0.1), driver("cortesia", -2.0, -3.0, -1.0, 0.1)};
  const auto s = summarize(a);
  const auto drags = with_code(s, "drag");
  REQUIRE(drags.size() == 3);
  CHECK(contains(drags[0]->text_it, "l'NPS è Tempi di attesa:"));
  CHECK(contains(drags[1]->text_it, "anche App e sito"));
  CHECK(contains(drags[1]->text_en, "Also lowering NPS: App e sito, impact −3.0 points"));
  CHECK(contains(drags[2]->text_it, "anche Cortesia"));
}

TEST_CASE("summary: no word of significance without a test in the analysis") {
  auto a = analysis();
  a.drivers = {driver("prezzo", -2.0, -4.1, 0.3, 0.1)};
  for (const auto& x : summarize(a)) {
    CHECK_FALSE(contains(x.text_it, "significativ"));
    CHECK_FALSE(contains(x.text_en, "significant"));
  }
  // A trend whose last change has a Holm-adjusted p of 0.3: the test says "not significant".
  SurveyTrend t;
  t.column = "data";
  for (const char* p : {"2024-01", "2024-02"}) {
    SurveyPeriod period;
    period.period = p;
    period.result = *a.overall;
    t.periods.push_back(period);
  }
  t.periods[1].result.score = 12.0;
  t.periods[1].diff_prev = -5.1;
  t.periods[1].p_prev = t.periods[1].p_prev_holm = 0.3;
  a.trend = t;
  auto s = summarize(a);
  auto last = with_code(s, "trend_last");
  REQUIRE(last.size() == 1);
  CHECK(last[0]->text_it ==
        "Nell'ultimo periodo (2024-02) l'NPS è +12,0, −5,1 punti rispetto al precedente (2024-01): una variazione "
        "non significativa (p = 0,30 dopo la correzione di Holm).");
  CHECK(contains(last[0]->text_en, "not a significant change (p = 0.30, Holm-adjusted)"));
  // The same change with p = 0.0004: a significant drop.
  a.trend->periods[1].p_prev_holm = 0.0004;
  s = summarize(a);
  last = with_code(s, "trend_last");
  REQUIRE(last.size() == 1);
  CHECK(contains(last[0]->text_it, "un calo significativo (p < 0,001 dopo la correzione di Holm)"));
  CHECK(contains(last[0]->text_en, "a significant drop (p < 0.001, Holm-adjusted)"));
  CHECK(last[0]->figures.back().source == "/trend/periods/1/p_prev_holm");
}

TEST_CASE("summary: the Mann–Kendall trend is significant only when its test says so") {
  auto a = analysis();
  SurveyTrend t;
  for (const char* p : {"2024-01", "2024-02", "2024-03"}) {
    SurveyPeriod period;
    period.period = p;
    period.result = *a.overall;
    t.periods.push_back(period);
  }
  t.test = TrendTestResult{};
  t.test->slope = -1.234;
  t.test->p_value = 0.004;
  t.test->declining = true;
  a.trend = t;
  auto s = summarize(a);
  auto test = with_code(s, "trend_test");
  REQUIRE(test.size() == 1);
  CHECK(test[0]->text_it ==
        "Nell'insieme, da 2024-01 a 2024-03, l'NPS è in calo significativo: −1,23 punti per periodo "
        "(Mann–Kendall, p = 0,004).");
  a.trend->test->declining = false;
  a.trend->test->p_value = 0.41;
  s = summarize(a);
  test = with_code(s, "trend_test");
  REQUIRE(test.size() == 1);
  CHECK(contains(test[0]->text_it, "non ha un trend significativo (Mann–Kendall, p = 0,41)"));
  CHECK_FALSE(contains(test[0]->text_it, "calo"));
}

TEST_CASE("summary: a segment is called different only when its Holm-adjusted test says so") {
  auto a = analysis();
  SurveySegments seg;
  seg.column = "canale";
  for (const char* name : {"app", "negozio", "telefono"}) {
    SurveySegment g;
    g.segment = name;
    g.result = *a.overall;
    g.diff_vs_rest = 1.0;
    g.p_value = g.p_holm = 0.6;
    seg.groups.push_back(g);
  }
  a.segments = {seg};
  auto s = summarize(a);
  CHECK(with_code(s, "segment_gap").empty());
  REQUIRE(with_code(s, "no_segment_gap").size() == 1);
  CHECK(with_code(s, "no_segment_gap")[0]->text_it ==
        "Nessuna differenza significativa tra i segmenti della colonna «canale» (ognuno confrontato con il resto, "
        "correzione di Holm).");
  auto& tel = a.segments[0].groups[2];
  tel.result.score = 5.2;
  tel.diff_vs_rest = -14.31;
  tel.p_holm = 0.002;
  tel.significant = true;
  s = summarize(a);
  CHECK(with_code(s, "no_segment_gap").empty());
  const auto gaps = with_code(s, "segment_gap");
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0]->text_it ==
        "Segmento canale = «telefono»: l'NPS è +5,2, −14,3 punti rispetto al resto; differenza significativa "
        "(p = 0,002 dopo la correzione di Holm).");
  CHECK(gaps[0]->figures[3].source == "/segments/0/groups/2/diff_vs_rest");
}

TEST_CASE("summary: warnings for out of domain comments, few responses and rows left out") {
  auto a = analysis(45);
  a.overall->ci_low = -10.0;
  a.overall->ci_high = 40.0;
  a.source.rows = 57;
  a.source.bad_rows = 12;
  SurveyCoverage c;
  c.comments = 40;
  c.known_share = 0.11;
  c.vocabulary_overlap = 0.2;
  c.driver_share = 0.33;
  c.out_of_domain = true;
  a.model.coverage = c;
  a.model.kind = "default";
  const auto s = summarize(a);
  const auto few = with_code(s, "few_responses");
  REQUIRE(few.size() == 1);
  CHECK(few[0]->text_it ==
        "Le risposte sono solo 45: gli intervalli sono ampi e le differenze vanno lette con cautela.");
  const auto domain = with_code(s, "out_of_domain");
  REQUIRE(domain.size() == 1);
  CHECK(domain[0]->text_it ==
        "Attenzione: i commenti sembrano fuori dal dominio del modello predefinito (commenti con abbastanza parole "
        "note: 11%, soglia 50%): i driver di questo report sono poco affidabili.");
  CHECK(domain[0]->figures[0].source == "/model/coverage/known_share");
  CHECK(domain[0]->figures[1].source == "/model/coverage/thresholds/known_share");
  const auto rejected = with_code(s, "rejected_rows");
  REQUIRE(rejected.size() == 1);
  CHECK(contains(rejected[0]->text_it, "12 righe su 57 sono state scartate"));
  CHECK(contains(rejected[0]->text_en, "12 of 57 rows were left out"));
  // 2,400 responses, no bad row, a covered domain: none of the three.
  const auto fine = summarize(analysis());
  CHECK(with_code(fine, "few_responses").empty());
  CHECK(with_code(fine, "out_of_domain").empty());
  CHECK(with_code(fine, "rejected_rows").empty());
}

TEST_CASE("summary: CSAT and CES are defined from their own scale and aggregation") {
  auto a = analysis();
  a.metric = Metric::csat;
  a.scale_min = 1;
  a.scale_max = 5;
  a.aggregation = Aggregation::top_box;
  a.top = 2;
  a.overall->score = 86.04;
  a.overall->ci_low = 84.5;
  a.overall->ci_high = 87.4;
  auto s = summarize(a);
  CHECK(s[0].text_it == "Il CSAT è 86,0% (IC 95% da 84,5% a 87,4%) su 2.400 risposte.");
  CHECK(s[1].text_it == "Il CSAT è la quota di risposte 4–5 sulla scala 1–5, in percentuale.");
  a.metric = Metric::ces;
  a.scale_max = 7;
  a.aggregation = Aggregation::mean;
  a.overall->score = 5.123;
  a.overall->ci_low = 5.05;
  a.overall->ci_high = 5.19;
  s = summarize(a);
  CHECK(s[0].text_it == "Il CES è 5,12 (IC 95% da 5,05 a 5,19) su 2.400 risposte.");
  CHECK(s[1].text_it == "Il CES è il voto medio sulla scala 1–7; il voto migliore è 7.");
  a.reversed = true;
  CHECK(summarize(a)[1].text_en == "CES is the mean answer on the 1–7 scale; the best answer is 1.");
}

TEST_CASE("summary: analyze_survey fills it and the JSON document carries it first") {
  const auto t = read_csv("nps,canale\n10,a\n9,a\n3,b\n0,b\nx,b\n");
  SurveyOptions o;
  o.labeller = Labeller::none;
  const auto a = analyze_survey(t, o, "f.csv");
  REQUIRE(!a.summary.empty());
  CHECK(a.summary[0].code == "score");
  CHECK(!with_code(a.summary, "few_responses").empty());
  CHECK(contains(with_code(a.summary, "rejected_rows").at(0)->text_it, "1 riga su 5 è stata scartata"));
  const auto json = to_json(a);
  CHECK(json.find("\"summary\": [") < json.find("\"source\": {"));
  CHECK(contains(json, "\"source\": \"/overall/score\""));
  CHECK(contains(json, "\"rating\": null"));
}

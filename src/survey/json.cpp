// SPDX-License-Identifier: Apache-2.0
// to_json(SurveyAnalysis): the one JSON document of an analysis, schema 4 (docs/schema.md).
// RFC 8259: UTF-8 text, strings escaped (quote, backslash, control characters; U+2028/U+2029 too,
// so that the document is also valid JavaScript), no NaN or infinity (null instead); numbers in
// the shortest form that reads back to the same double (std::to_chars), as Python's json writes.
#include <perche/survey.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <variant>

#include "../text/unicode.hpp"
#include "rules.hpp"

#ifndef PERCHE_VERSION
#define PERCHE_VERSION "unknown"
#endif

namespace perche {
namespace {

class Writer {
 public:
  explicit Writer(int indent) : indent_(indent < 0 ? 0 : indent) {}

  std::string& out() { return out_; }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k) {
    item();
    string(k);
    out_ += indent_ ? ": " : ":";
    after_key_ = true;
  }
  void value(std::string_view s) {
    item();
    string(s);
  }
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(double v) {
    item();
    if (!std::isfinite(v)) {
      out_ += "null";
      return;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
    out_ += text;
    // Python writes a double with a point or an exponent ("1.0", "1e+100"): a reader keeps its type.
    if (text.find_first_of(".e") == std::string_view::npos) out_ += ".0";
  }
  void value(std::uint64_t v) {
    item();
    out_ += std::to_string(v);
  }
  void value(int v) {
    item();
    out_ += std::to_string(v);
  }
  void value(bool v) {
    item();
    out_ += v ? "true" : "false";
  }
  void null() {
    item();
    out_ += "null";
  }
  template <class T>
  void value(const std::optional<T>& v) {
    if (v)
      value(*v);
    else
      null();
  }
  template <class T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

 private:
  void open(char c) {
    item();
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += c;
  }
  void item() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    newline();
  }
  void newline() {
    if (!indent_) return;
    out_ += '\n';
    out_.append(first_.size() * static_cast<std::size_t>(indent_), ' ');
  }
  void string(std::string_view s) {
    out_ += '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
      const unsigned char c = *p;
      if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
        out_ += static_cast<char>(c);
        ++p;
        continue;
      }
      if (c < 0x80) {
        switch (c) {
          case '"':
            out_ += "\\\"";
            break;
          case '\\':
            out_ += "\\\\";
            break;
          case '\n':
            out_ += "\\n";
            break;
          case '\r':
            out_ += "\\r";
            break;
          case '\t':
            out_ += "\\t";
            break;
          default: {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out_ += buf;
          }
        }
        ++p;
        continue;
      }
      // Multi-byte: copied when valid UTF-8 (an invalid sequence becomes U+FFFD, the library's policy).
      const auto d = text::detail::decode(p, end);
      if (!d.valid) {
        out_ += "\xEF\xBF\xBD";
      } else if (d.cp == 0x2028 || d.cp == 0x2029) {
        out_ += d.cp == 0x2028 ? "\\u2028" : "\\u2029";
      } else {
        out_.append(reinterpret_cast<const char*>(p), d.len);
      }
      p += d.len;
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> first_;
  int indent_;
  bool after_key_ = false;
};

std::string_view name(Quadrant q) {
  switch (q) {
    case Quadrant::fix:
      return "fix";
    case Quadrant::monitor:
      return "monitor";
    case Quadrant::strength:
      return "strength";
    case Quadrant::minor:
      return "minor";
    case Quadrant::not_significant:
      return "not_significant";
  }
  return "not_significant";
}
std::string_view freq_name(Freq p) {
  switch (p) {
    case Freq::day:
      return "D";
    case Freq::week:
      return "W";
    case Freq::month:
      return "M";
    case Freq::quarter:
      return "Q";
    case Freq::year:
      return "Y";
  }
  return "M";
}

void score(Writer& w, const ScoreSummary& s) {
  w.field("score", s.score);
  w.field("se", s.se);
  w.field("ci_low", s.ci_low);
  w.field("ci_high", s.ci_high);
  w.field("center", s.center);
  w.field("n", s.n);
  w.field("method", detail::method_name(s.method));
  if (s.promoter_share) {
    w.field("promoter_share", s.promoter_share);
    w.field("passive_share", s.passive_share);
    w.field("detractor_share", s.detractor_share);
  }
}

void test(Writer& w, const std::optional<TrendTestResult>& t) {
  w.key("test");
  if (!t) return w.null();
  w.begin_object();
  w.field("method", t->test == TrendTestKind::mann_kendall ? "mann_kendall" : "ols");
  w.field("slope", t->slope);
  w.field("statistic", t->statistic);
  w.field("p_value", t->p_value);
  w.field("declining", t->declining);
  w.field("increasing", t->increasing);
  w.end_object();
}

void odds(Writer& w, const std::optional<OddsRatio>& o, std::string_view side) {
  const std::string prefix = "or_" + std::string(side);
  w.field(prefix, o ? std::optional(o->odds_ratio) : std::nullopt);
  w.field(prefix + "_ci_low", o ? std::optional(o->ci_low) : std::nullopt);
  w.field(prefix + "_ci_high", o ? std::optional(o->ci_high) : std::nullopt);
  w.field("p_" + std::string(side), o ? std::optional(o->p_value) : std::nullopt);
}

void where(Writer& w, std::size_t line, const std::optional<std::size_t>& row) {
  if (row)
    w.field("row", std::uint64_t{*row});
  else
    w.field("line", std::uint64_t{line});
}

void key_driver(Writer& w, std::string_view k, const std::optional<KeyDriverModel>& m) {
  w.key(k);
  if (!m) return w.null();
  w.begin_object();
  w.field("outcome", m->outcome);
  w.field("n", m->n);
  w.field("events", m->events);
  w.field("converged", m->converged);
  w.field("pseudo_r2", m->pseudo_r2);
  w.end_object();
}

// Comments by sentiment class, one field per class (SentimentClassifier::kClasses).
void counts(Writer& w, const std::array<std::uint64_t, 4>& c) {
  w.key("counts");
  w.begin_object();
  for (std::size_t k = 0; k < c.size(); ++k) w.field(SentimentClassifier::kClasses[k], c[k]);
  w.end_object();
}

}  // namespace

std::string to_json(const SurveyAnalysis& a, int indent) {
  Writer w(indent);
  w.begin_object();
  w.field("schema", 4);
  w.field("perche_version", PERCHE_VERSION);
  w.field("lang", a.lang);

  // The summary in words comes first: a reader of the file sees it before the figures it quotes.
  w.key("summary");
  w.begin_array();
  for (const auto& s : a.summary) {
    w.begin_object();
    w.field("code", s.code);
    w.key("figures");
    w.begin_array();
    for (const auto& f : s.figures) {
      w.begin_object();
      w.field("name", f.name);
      w.key("value");
      std::visit([&](const auto& v) { w.value(v); }, f.value);
      w.field("source", f.source);
      w.end_object();
    }
    w.end_array();
    w.key("text");
    w.begin_object();
    w.field("it", s.text_it);
    w.field("en", s.text_en);
    w.end_object();
    w.end_object();
  }
  w.end_array();

  w.key("source");
  w.begin_object();
  w.field("file", a.source.file);
  w.field("rows", a.source.rows);
  w.field("encoding", a.source.encoding);
  w.key("delimiter");
  if (a.source.delimiter)
    w.value(std::string(1, *a.source.delimiter));
  else
    w.null();
  w.field("replaced", a.source.replaced);
  w.field("rows_used", a.source.rows_used);
  w.field("bad_rows", a.source.bad_rows);
  w.key("problems");
  w.begin_array();
  for (const auto& p : a.source.problems) {
    w.begin_object();
    where(w, p.line, p.row);
    w.field("message", p.message);
    w.end_object();
  }
  w.end_array();
  w.field("problems_total", a.source.problems_total);
  w.end_object();

  w.key("columns");
  w.begin_object();
  w.field("score", a.columns.score);
  w.field("text", a.columns.text);
  w.field("date", a.columns.date);
  w.key("by");
  w.begin_array();
  for (const auto& b : a.columns.by) w.value(b);
  w.end_array();
  w.key("labels");  // the gold label column(s), or null
  if (a.columns.labels.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (const auto& l : a.columns.labels) w.value(l);
    w.end_array();
  }
  w.end_object();

  w.field("metric", detail::metric_name(a.metric));
  w.key("scale");
  w.begin_array();
  w.value(a.scale_min);
  w.value(a.scale_max);
  w.end_array();
  w.key("rating");  // how CSAT/CES ratings make the score; null for NPS
  if (a.metric == Metric::nps) {
    w.null();
  } else {
    w.begin_object();
    w.field("aggregation", a.aggregation == Aggregation::mean      ? "mean"
                           : a.aggregation == Aggregation::top_box ? "top_box"
                                                                   : "net");
    w.field("top", a.top);
    w.field("reversed", a.reversed);
    w.end_object();
  }
  w.field("confidence", a.confidence);
  w.field("alpha", a.alpha);

  w.key("model");
  w.begin_object();
  w.field("kind", a.model.kind);
  w.field("path", a.model.path);
  w.key("drivers");
  w.begin_array();
  for (const auto& d : a.model.drivers) w.value(d);
  w.end_array();
  w.key("labels");
  w.begin_object();
  for (std::size_t j = 0; j < a.model.drivers.size(); ++j) w.field(a.model.drivers[j], a.model.labels[j]);
  w.end_object();
  w.key("coverage");
  if (const auto& c = a.model.coverage) {
    w.begin_object();
    w.field("comments", c->comments);
    w.field("known_share", c->known_share);
    w.field("vocabulary_overlap", c->vocabulary_overlap);
    w.field("driver_share", c->driver_share);
    w.key("top_probability");
    if (c->top_median) {
      w.begin_object();
      w.field("p25", c->top_p25);
      w.field("median", c->top_median);
      w.field("p75", c->top_p75);
      w.field("mean_threshold", c->mean_threshold);
      w.field("training_median", c->training_top_median);
      w.field("below_training_p10", c->low_top_share);
      w.end_object();
    } else {
      w.null();
    }
    w.key("thresholds");
    w.begin_object();
    w.field("known_terms", kMinKnownTerms);
    w.field("known_share", kMinKnownShare);
    w.field("vocabulary_overlap", kMinVocabularyOverlap);
    w.field("below_training_p10", kMaxLowTopShare);
    w.field("codebook_driver_share", kMinCodebookShare);
    w.field("min_comments", kMinCoverageComments);
    w.end_object();
    w.field("out_of_domain", c->out_of_domain);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();

  w.key("overall");
  if (a.overall) {
    w.begin_object();
    score(w, *a.overall);
    w.end_object();
  } else {
    w.null();
  }

  w.key("other_metrics");
  w.begin_array();
  for (const auto& m : a.other_metrics) {
    w.begin_object();
    w.field("metric", detail::metric_name(m.metric));
    w.field("column", m.column);
    score(w, m.result);
    w.field("missing", m.missing);
    w.end_object();
  }
  w.end_array();

  w.key("trend");
  if (a.trend) {
    w.begin_object();
    w.field("column", a.trend->column);
    w.field("freq", freq_name(a.trend->freq));
    w.key("periods");
    w.begin_array();
    for (const auto& p : a.trend->periods) {
      w.begin_object();
      w.field("period", p.period);
      score(w, p.result);
      w.field("diff_prev", p.diff_prev);
      w.field("p_prev", p.p_prev);
      w.field("p_prev_holm", p.p_prev_holm);
      w.field("significant_drop", p.significant_drop);
      w.field("too_few", p.too_few);
      w.end_object();
    }
    w.end_array();
    test(w, a.trend->test);
    w.end_object();
  } else {
    w.null();
  }

  w.key("drivers");
  w.begin_array();
  for (const auto& d : a.drivers) {
    w.begin_object();
    w.field("driver", d.driver);
    std::string label = d.driver;
    for (std::size_t j = 0; j < a.model.drivers.size(); ++j)
      if (a.model.drivers[j] == d.driver) label = a.model.labels[j];
    w.field("label", label);
    w.field("mentions", d.mentions);
    w.field("share", d.share);
    w.field("score", d.score);
    w.field("score_ci_low", d.score_ci_low);
    w.field("score_ci_high", d.score_ci_high);
    w.field("impact", d.impact);
    w.field("impact_ci_low", d.impact_ci_low);
    w.field("impact_ci_high", d.impact_ci_high);
    w.field("impact_p_value", d.impact_p_value);
    w.field("impact_p_holm", d.impact_p_holm);
    w.field("impact_significant", d.impact_significant);
    w.field("few_mentions", d.few_mentions);
    odds(w, d.negative, "negative");
    odds(w, d.positive, "positive");
    w.field("importance_negative", d.importance_negative);
    w.field("importance_positive", d.importance_positive);
    w.field("importance_negative_ci_low", d.importance_negative_ci_low);
    w.field("importance_negative_ci_high", d.importance_negative_ci_high);
    w.field("importance_positive_ci_low", d.importance_positive_ci_low);
    w.field("importance_positive_ci_high", d.importance_positive_ci_high);
    w.key("quadrant");
    if (d.quadrant)
      w.value(name(*d.quadrant));
    else
      w.null();
    w.key("sentiment");
    const DriverSentiment* ds = nullptr;
    for (const auto& x : a.driver_sentiment)
      if (x.driver == d.driver) ds = &x;
    if (ds) {
      w.begin_object();
      w.field("mentions", ds->mentions);
      counts(w, ds->counts);
      w.field("net", ds->net);
      w.field("negative_impact", ds->negative_impact);
      w.field("negative_ci_low", ds->negative_ci_low);
      w.field("negative_ci_high", ds->negative_ci_high);
      w.field("positive_impact", ds->positive_impact);
      w.field("positive_ci_low", ds->positive_ci_low);
      w.field("positive_ci_high", ds->positive_ci_high);
      w.field("negative_excess", ds->negative_excess);
      w.field("negative_excess_p_holm", ds->negative_excess_p_holm);
      w.field("pain_point", ds->pain_point);
      w.end_object();
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();

  w.key("key_driver");
  w.begin_object();
  key_driver(w, "negative", a.key_negative);
  key_driver(w, "positive", a.key_positive);
  w.end_object();
  w.key("priority");
  w.begin_object();
  w.field("share_threshold", a.share_threshold);
  w.field("impact_threshold", a.impact_threshold);
  w.end_object();

  w.key("segments");
  w.begin_array();
  for (const auto& s : a.segments) {
    w.begin_object();
    w.field("column", s.column);
    w.key("groups");
    w.begin_array();
    for (const auto& g : s.groups) {
      w.begin_object();
      w.field("segment", g.segment);
      score(w, g.result);
      w.field("diff_vs_rest", g.diff_vs_rest);
      w.field("p_value", g.p_value);
      w.field("p_holm", g.p_holm);
      w.field("p_bh", g.p_bh);
      w.field("significant", g.significant);
      w.field("too_few", g.too_few);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();

  w.key("driver_segments");
  w.begin_array();
  for (const auto& c : a.driver_segments) {
    w.begin_object();
    w.field("column", c.column);
    w.field("segment", c.segment);
    w.field("driver", c.driver);
    w.field("n", c.n);
    w.field("share", c.share);
    w.field("share_rest", c.share_rest);
    w.field("diff", c.diff);
    w.field("p_value", c.p_value);
    w.field("p_bh", c.p_bh);
    w.field("significant", c.significant);
    w.end_object();
  }
  w.end_array();

  w.key("driver_trend");
  w.begin_array();
  for (const auto& t : a.driver_trend) {
    w.begin_object();
    w.field("driver", t.driver);
    w.key("periods");
    w.begin_array();
    for (const auto& p : t.periods) {
      w.begin_object();
      w.field("period", p.period);
      w.field("n", p.n);
      w.field("mentions", p.mentions);
      w.field("share", p.share);
      w.end_object();
    }
    w.end_array();
    test(w, t.test);
    w.field("p_holm", t.p_holm);
    w.end_object();
  }
  w.end_array();

  w.key("verbatims");
  w.begin_array();
  for (const auto& v : a.verbatims) {
    w.begin_object();
    w.field("driver", v.driver);
    w.field("text", v.text);
    w.field("probability", v.probability);
    w.field("score", v.score);
    w.field("sentiment", v.sentiment);
    w.field("segment", v.segment);
    w.field("date", v.date);
    where(w, v.line, v.row);
    w.key("highlights");
    w.begin_array();
    for (const auto& h : v.highlights) {
      w.begin_object();
      w.field("start", std::uint64_t{h.start});
      w.field("end", std::uint64_t{h.end});
      w.field("term", h.term);
      w.field("weight", h.weight);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();

  w.key("sentiment");
  if (a.sentiment) {
    const auto& st = *a.sentiment;
    w.begin_object();
    w.field("model", st.model);
    w.field("path", st.path);
    w.field("comments", st.comments);
    counts(w, st.counts);
    w.field("net", st.net);
    w.field("promoters", st.promoters);
    w.field("promoters_negative", st.promoters_negative);
    w.field("detractors", st.detractors);
    w.field("detractors_positive", st.detractors_positive);
    w.field("drivers_from", st.drivers_from);
    w.key("trend");
    w.begin_array();
    for (const auto& p : a.sentiment_trend) {
      w.begin_object();
      w.field("period", p.period);
      w.field("comments", p.comments);
      w.field("negative", p.negative);
      w.field("share", p.share);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  } else {
    w.null();
  }

  w.field("comments", a.comments);
  w.key("notes");
  w.begin_array();
  for (const auto& n : a.notes) {
    w.begin_object();
    w.field("code", n.code);
    w.field("message", n.message);
    // The fields a report words the note from, in its own language (docs/schema.md).
    auto text_or_null = [&w](std::string_view k, const std::string& v) {
      w.key(k);
      if (v.empty())
        w.null();
      else
        w.value(v);
    };
    text_or_null("reason", n.reason);
    text_or_null("driver", n.driver);
    std::string label;
    for (std::size_t j = 0; j < a.model.drivers.size() && !n.driver.empty(); ++j)
      if (a.model.drivers[j] == n.driver) label = a.model.labels[j];
    text_or_null("label", n.driver.empty() ? std::string() : label.empty() ? n.driver : label);
    w.key("values");
    w.begin_object();
    for (const auto& [k, v] : n.words) w.field(k, v);
    for (const auto& [k, v] : n.figures) w.field(k, v);
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  std::string out = std::move(w.out());
  out += '\n';
  return out;
}

}  // namespace perche

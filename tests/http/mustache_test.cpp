// MustacheTemplate must render exactly what mstch::render did (issue 8 changed the engine
// under every page): each case renders through both and compares the bytes.
#include "http/mustache.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <set>

#include "core/embedded.hpp"
#include "http/views.hpp"

namespace tenure::http {
namespace {

using Partials = MustacheTemplate::Partials;

std::string Mstch(const std::string& source, const mstch::node& data, const Partials& partials) {
  return mstch::render(source, data, partials);
}

std::string Ours(const std::string& source, const mstch::node& data, const Partials& partials) {
  return MustacheTemplate(source, std::make_shared<Partials>(partials)).Render(data);
}

// --- Random data for a set of names. ---

class DataMaker {
 public:
  explicit DataMaker(unsigned seed) : rng_(seed) {}

  mstch::node Value(const std::set<std::string>& names, int depth) {
    switch (Pick(depth > 0 ? 8 : 10)) {  // maps and arrays one level deep
      case 0: return std::string("<b class=\"x\">Tom & Jerry's / 1</b>");
      case 1: return std::string();
      case 2: return true;
      case 3: return false;
      case 4: return Pick(2) == 0 ? 0 : 42;
      case 5: return Pick(2) == 0 ? 0.0 : 2.5;
      case 6: return nullptr;
      case 7: return std::string("plain ") + std::to_string(Pick(100));
      case 8: return Map(names, depth + 1);
      default: {
        mstch::array items;
        for (int i = Pick(4); i > 0; --i) items.push_back(Map(names, depth + 1));
        if (Pick(4) == 0) items.push_back(std::string("item"));
        return items;
      }
    }
  }

  mstch::map Map(const std::set<std::string>& names, int depth) {
    mstch::map m;
    for (const auto& name : names) {
      if (Pick(4) == 0) continue;  // some names missing: looked up further out
      const size_t dot = name.find('.');
      if (dot == std::string::npos || name == ".") {
        m[name] = Value(names, depth);
      } else {  // a.b -> {a: {b: ...}}
        mstch::map inner;
        inner[name.substr(dot + 1)] = Value(names, depth + 1);
        m[name.substr(0, dot)] = std::move(inner);
      }
    }
    return m;
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

 private:
  std::mt19937 rng_;
};

std::set<std::string> TagNames(const std::string& source) {
  static const std::regex tag(R"(\{\{[#^/&>{]?\s*([A-Za-z0-9_.]+)\s*\}?\}\})");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), tag);
       it != std::sregex_iterator(); ++it)
    names.insert((*it)[1]);
  return names;
}

// --- Our templates, one by one and as whole pages. ---

struct Sources {
  std::map<std::string, std::string> templates;
  Partials partials;
};

Sources EmbeddedSources() {
  Sources s;
  for (const auto& f : embedded::Templates()) {
    std::string name(f.path);
    if (name.ends_with(".html")) name.resize(name.size() - 5);
    if (name.starts_with("partials/"))
      s.partials.emplace(name.substr(9), std::string(f.bytes));
    else
      s.templates.emplace(std::move(name), std::string(f.bytes));
  }
  return s;
}

TEST(MustacheTemplate, EveryTemplateRendersAsMstchDid) {
  const Sources s = EmbeddedSources();
  ASSERT_GT(s.templates.size(), 10u);
  const Views views;
  for (const auto& [name, source] : s.templates) {
    std::set<std::string> names = TagNames(source);
    for (const auto& [_, partial] : s.partials) names.merge(TagNames(partial));
    names.merge(TagNames(s.templates.at("layout")));
    names.erase("content");
    for (unsigned seed = 0; seed < 40; ++seed) {
      DataMaker maker(seed);
      mstch::map vars = maker.Map(names, 0);
      if (seed == 0) vars.clear();
      SCOPED_TRACE(name + " seed " + std::to_string(seed));
      const mstch::node data = vars;
      ASSERT_EQ(Ours(source, data, s.partials), Mstch(source, data, s.partials));

      // The page as Views::Page rendered it before issue 8.
      mstch::map page_vars = vars;
      // Issue 14 item 10: the brand (here the default) is set before the content renders.
      page_vars["brand_product"] = std::string("Tenure");
      for (const char* unset :
           {"brand_seller", "brand_seller_address", "brand_css_url", "brand_logo_url"})
        page_vars[unset] = std::string();
      page_vars["content"] = mstch::render(source, page_vars, s.partials);
      page_vars["css_url"] = views.AssetUrl("app.css");
      page_vars["icon_url"] = views.AssetUrl("icon.svg");
      page_vars["js_url"] = views.AssetUrl("app.js");  // issue 14: the layout's script
      ASSERT_EQ(views.Page(name, vars), mstch::render(s.templates.at("layout"), page_vars));
    }
  }
}

// --- Generated templates: whitespace, nesting, partials and lookups in every combination. ---

class TemplateMaker {
 public:
  // Partials get no {{> }} of their own: a partial that includes itself unconditionally
  // recurses forever in both engines.
  TemplateMaker(unsigned seed, bool with_partials) : rng_(seed), with_partials_(with_partials) {}

  std::string Template(int depth = 0) {
    std::string out;
    for (int i = Pick(8); i > 0; --i) out += Piece(depth);
    return out;
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

 private:
  std::string Piece(int depth) {
    static const char* const kTexts[] = {"x",   " ",    "  ",   "\t",     "\n", "a b", "<&>",
                                         " \n", "\r\n", "\n\n", "  \t\n", "x}", "{x",  "text\n"};
    static const char* const kNames[] = {"a", "b", "s", "t", "a.b", "s.a", "."};
    const std::string name = kNames[Pick(7)];
    switch (Pick(depth < 3 ? 12 : 9)) {
      case 0:
      case 1:
      case 2: return kTexts[Pick(14)];
      case 3: return "{{" + std::string(Pick(2) ? " " : "") + name + "}}";
      case 4: return "{{{" + name + "}}}";
      case 5: return "{{& " + name + " }}";
      case 6: return "{{! note }}";
      case 7:
        if (!with_partials_) return "{{! none }}";
        return std::string("{{> ") + (Pick(3) ? "p" : "missing") + "}}";
      case 8: return with_partials_ ? " {{> q}}\n" : " \n";
      default: {
        const std::string section = kNames[Pick(6)];  // not "."
        return std::string(Pick(2) ? "{{#" : "{{^") + section + "}}" + Template(depth + 1) + "{{/" +
               section + "}}";
      }
    }
  }

  std::mt19937 rng_;
  bool with_partials_;
};

TEST(MustacheTemplate, GeneratedTemplatesRenderAsMstch) {
  const std::set<std::string> names = {"a", "b", "s", "t", "a.b", "s.a"};
  for (unsigned seed = 0; seed < 4000; ++seed) {
    const std::string source = TemplateMaker(seed, true).Template();
    const Partials partials = {{"p", TemplateMaker(seed + 100000, false).Template(1)},
                               {"q", "  q {{a}}\nline\n{{#s}}\n in s\n{{/s}}\n"}};
    DataMaker maker(seed);
    const mstch::node data = maker.Map(names, 0);
    SCOPED_TRACE("seed " + std::to_string(seed) + ": " + source + "\np: " + partials.at("p"));
    ASSERT_EQ(Ours(source, data, partials), Mstch(source, data, partials));
  }
}

TEST(MustacheTemplate, LambdasRenderAsMstch) {
  const mstch::map data{
      {"who", std::string("<world>")},
      {"shout", mstch::lambda{[](const std::string& text) -> mstch::node {
         return "<b>" + text + "</b>{{who}}";
       }}},
      {"greet", mstch::lambda{[]() -> mstch::node { return std::string("hi {{who}} &"); }}},
  };
  for (const std::string source :
       {"{{greet}}|{{{greet}}}", "{{#shout}}x {{who}}\n{{/shout}}", "{{^shout}}no{{/shout}}",
        "  {{#shout}}\n  line\n  {{/shout}}\n"}) {
    SCOPED_TRACE(source);
    EXPECT_EQ(Ours(source, data, {}), Mstch(source, data, {}));
  }
}

TEST(MustacheTemplate, RejectsWhatMstchWouldRenderUnpredictably) {
  const auto parse = [](std::string source) { MustacheTemplate(source, nullptr); };
  EXPECT_THROW(parse("{{#a}}open"), std::logic_error);
  EXPECT_THROW(parse("{{/a}}"), std::logic_error);
  EXPECT_THROW(parse("{{#a}}{{/b}}"), std::logic_error);
  EXPECT_THROW(parse("{{=<% %>=}}"), std::logic_error);
  EXPECT_THROW(parse("{{ }}"), std::logic_error);
}

TEST(Views, UnknownTemplateIsABug) {
  const Views views;
  EXPECT_THROW(views.Page("no-such-page", {}), std::logic_error);
}

}  // namespace
}  // namespace tenure::http

#include "app/store/unit_of_work.hpp"
#include "core/metrics.hpp"
#include "domain/terms.hpp"
#include "http/pages/pages.hpp"

namespace tenure::http::pages {

Response Root(Context& ctx) { return Response::Redirect(ctx.user ? "/home" : "/sign-in", 302); }

Response Healthz(Context& ctx) {
  // 200 only when the database answers: load balancers take this server out otherwise.
  const bool ok = ctx.svc.store.Ping();
  Response res = Response::Text(ok ? 200 : 503, ok ? "ok\n" : "database unavailable\n");
  res.Set("Cache-Control", "no-store");
  return res;
}

Response Metrics(Context& /*ctx*/) {
  // Behind the metrics token (WebApp's Metrics chain); Prometheus' text format 0.0.4.
  Response res;
  res.content_type = "text/plain; version=0.0.4; charset=utf-8";
  res.body = metrics::Metrics().Render();
  res.Set("Cache-Control", "no-store");
  return res;
}

Response Static(Context& ctx) {
  const std::string_view name =
      std::string_view(ctx.req.path).substr(std::string_view("/static/").size());
  const Asset* asset = ctx.svc.views.FindAsset(name);
  if (!asset) return Response::Text(404, "not found\n");
  const std::string etag = "\"" + asset->hash + "\"";
  Response res;
  res.content_type = asset->content_type;
  res.Set("ETag", etag);
  // A URL with the content hash never changes meaning; a bare one is revalidated.
  const bool versioned = ctx.req.query == "v=" + asset->hash;
  res.Set("Cache-Control",
          versioned ? "public, max-age=31536000, immutable" : "public, max-age=300");
  // An SVG is a document that could hold script (a seller's logo is one): opened on its own
  // it runs none, loads nothing and is sandboxed (issue 14 item 10); only its own <style> and
  // style attributes apply, as drawing tools write them. In an <img> it never runs script.
  if (asset->content_type == "image/svg+xml")
    res.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  if (ctx.req.Header("if-none-match") == etag) {
    res.status = 304;
    return res;
  }
  res.body = asset->body;
  return res;
}

Response Terms(Context& ctx) {
  return RenderPage(ctx, "terms", "Terms & Conditions", "",
                    mstch::map{{"terms_version", std::string(domain::kTermsVersion)}});
}

}  // namespace tenure::http::pages

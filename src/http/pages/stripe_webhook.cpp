// POST /stripe/webhook (issue 4; STRIPE.md: Delivery): verify, store, answer at once; a
// worker applies stored events. Stripe reads only the status: 2xx stops its retries, anything
// else makes it deliver again later. The body of an answer says nothing it didn't send.
#include "http/pages/pages.hpp"
#include "integrations/stripe/stripe_webhooks.hpp"

namespace tenure::http::pages {

Response StripeWebhook(Context& ctx) {
  if (!ctx.svc.stripe_webhooks)  // Stripe is not the configured provider
    return Response::Text(404, "not found\n");
  // The signature's age is judged by the wall clock, not the service clock: Stripe signs
  // with real time, and a server whose test clock was moved (tenure clock advance) must still
  // accept its webhooks. The age check is against replays, which happen in real time too.
  static const SystemClock wall;
  auto stored = ctx.svc.stripe_webhooks->Receive(ctx.req.body, ctx.req.Header("stripe-signature"),
                                                 wall.Now());
  // A bad signature, a stale timestamp or a malformed event: 400 with the short message only
  // ("invalid signature", ...). A database failure throws: 500, and Stripe tries again.
  Response res =
      stored ? Response::Text(200, "ok\n") : Response::Text(400, stored.error().message + "\n");
  res.Set("Cache-Control", "no-store");
  return res;
}

}  // namespace tenure::http::pages

#pragma once
// libcurl's handles as owners (ENGINEERING.md habit 9: ownership visible in types), for
// everything that talks through libcurl: the Stripe client, the SMTP mailer, and the HTTP
// tests' browser. Header-only, so the tests can use it without linking an integration.
#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>

namespace tenure::integrations {

// libcurl's global set-up, once per process and before the first handle: curl_easy_init
// would otherwise run it unguarded, and it is not thread-safe. Throws when it fails.
inline void InitCurlOnce() {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
  });
}

struct CurlEasyCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
// One easy handle (one request at a time, its connection kept for the next).
using CurlEasy = std::unique_ptr<CURL, CurlEasyCleanup>;

// A new easy handle, never null: throws when libcurl cannot make one.
inline CurlEasy NewCurlEasy() {
  InitCurlOnce();
  CurlEasy handle(curl_easy_init());
  if (!handle) throw std::runtime_error("curl_easy_init failed");
  return handle;
}

// A curl_slist (request headers, SMTP recipients) that frees itself. It must outlive every
// curl_easy_perform of a handle it was given to.
class CurlList {
 public:
  // Appends a copy of `line`; throws std::bad_alloc when libcurl cannot.
  void Append(const std::string& line) {
    curl_slist* head = curl_slist_append(head_.get(), line.c_str());
    if (!head) throw std::bad_alloc();
    if (!head_) head_.reset(head);  // later appends return the same head
  }
  curl_slist* get() const { return head_.get(); }

 private:
  struct FreeAll {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };
  std::unique_ptr<curl_slist, FreeAll> head_;
};

}  // namespace tenure::integrations

// libcurl for Swift. curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call, so
// each argument type Kura passes gets a typed wrapper.
#ifndef KURA_CCURL_SHIM_H
#define KURA_CCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*kura_curl_data_fn)(char *data, size_t size, size_t count, void *context);

static inline CURLcode kura_curl_set_long(CURL *h, CURLoption option, long value) {
    return curl_easy_setopt(h, option, value);
}
static inline CURLcode kura_curl_set_string(CURL *h, CURLoption option, const char *value) {
    return curl_easy_setopt(h, option, value);
}
static inline CURLcode kura_curl_set_pointer(CURL *h, CURLoption option, void *value) {
    return curl_easy_setopt(h, option, value);
}
static inline CURLcode kura_curl_set_headers(CURL *h, struct curl_slist *list) {
    return curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
}
static inline CURLcode kura_curl_set_data_fn(CURL *h, CURLoption option, kura_curl_data_fn fn) {
    return curl_easy_setopt(h, option, fn);
}
static inline CURLcode kura_curl_get_long(CURL *h, CURLINFO info, long *out) {
    return curl_easy_getinfo(h, info, out);
}
#endif

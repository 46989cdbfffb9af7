// SPDX-License-Identifier: Apache-2.0
// libcurl (Debian: libcurl4-openssl-dev): the daemon's HTTP client, TLS by the
// system's OpenSSL and trust store. curl_easy_setopt and curl_easy_getinfo are
// variadic, which Swift cannot call: these typed wrappers are the whole bridge.
#include <curl/curl.h>

typedef size_t (*deviceauth_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode deviceauth_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode deviceauth_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode deviceauth_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode deviceauth_curl_set_headers(CURL *handle, struct curl_slist *headers) {
    return curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
}
static inline CURLcode deviceauth_curl_set_callback(CURL *handle, CURLoption option, deviceauth_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
static inline CURLcode deviceauth_curl_response_code(CURL *handle, long *code) {
    return curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}
static inline CURLcode deviceauth_curl_connect_code(CURL *handle, long *code) {
    return curl_easy_getinfo(handle, CURLINFO_HTTP_CONNECTCODE, code);
}
static inline CURLcode deviceauth_curl_verify_result(CURL *handle, long *result) {
    return curl_easy_getinfo(handle, CURLINFO_SSL_VERIFYRESULT, result);
}
static inline CURLcode deviceauth_curl_primary_address(CURL *handle, char **address, long *port) {
    CURLcode code = curl_easy_getinfo(handle, CURLINFO_PRIMARY_IP, address);
    return code == CURLE_OK ? curl_easy_getinfo(handle, CURLINFO_PRIMARY_PORT, port) : code;
}
// CURLOPT_CERTINFO's result: how many certificates the server sent, and the
// "Name:value" fields of one (libcurl owns them until the handle is cleaned up).
static inline int deviceauth_curl_certificate_count(CURL *handle) {
    struct curl_certinfo *info = NULL;
    if (curl_easy_getinfo(handle, CURLINFO_CERTINFO, &info) != CURLE_OK || info == NULL) return 0;
    return info->num_of_certs;
}
static inline struct curl_slist *deviceauth_curl_certificate_fields(CURL *handle, int index) {
    struct curl_certinfo *info = NULL;
    if (curl_easy_getinfo(handle, CURLINFO_CERTINFO, &info) != CURLE_OK || info == NULL) return NULL;
    return index < info->num_of_certs ? info->certinfo[index] : NULL;
}

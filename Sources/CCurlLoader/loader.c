#include "CCurlLoader.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    __typeof__(curl_global_init) *global_init;
    __typeof__(curl_easy_init) *easy_init;
    __typeof__(curl_easy_setopt) *easy_setopt;
    __typeof__(curl_easy_perform) *easy_perform;
    __typeof__(curl_easy_getinfo) *easy_getinfo;
    __typeof__(curl_easy_cleanup) *easy_cleanup;
    __typeof__(curl_easy_strerror) *easy_strerror;
    __typeof__(curl_slist_append) *slist_append;
    __typeof__(curl_slist_free_all) *slist_free_all;
} curl;
static char load_error[200];
static int loaded = 0;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) h = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) h = dlopen("libcurl.4.dylib", RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "cannot load libcurl: %s", e ? e : "not found");
        return;
    }
#define RESOLVE(field, name)                                                          \
    curl.field = (__typeof__(curl.field))dlsym(h, name);                              \
    if (curl.field == NULL) { snprintf(load_error, sizeof load_error, "libcurl has no %s", name); return; }
    RESOLVE(global_init, "curl_global_init")
    RESOLVE(easy_init, "curl_easy_init")
    RESOLVE(easy_setopt, "curl_easy_setopt")
    RESOLVE(easy_perform, "curl_easy_perform")
    RESOLVE(easy_getinfo, "curl_easy_getinfo")
    RESOLVE(easy_cleanup, "curl_easy_cleanup")
    RESOLVE(easy_strerror, "curl_easy_strerror")
    RESOLVE(slist_append, "curl_slist_append")
    RESOLVE(slist_free_all, "curl_slist_free_all")
#undef RESOLVE
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed");
        return;
    }
    loaded = 1;
}

struct sink {
    char *data;
    size_t length;
    size_t max;
    int overflow;
};

/* Header lines of the last response only: a new status line (after a
 * proxy's CONNECT answer or a 100 Continue) starts afresh. */
static size_t collect_header(char *chunk, size_t size, size_t count, void *user)
{
    struct sink *s = user;
    size_t n = size * count;
    if (n >= 5 && memcmp(chunk, "HTTP/", 5) == 0) { s->length = 0; if (s->data) s->data[0] = 0; }
    if (s->length + n > s->max) { s->overflow = 1; return 0; }
    char *grown = realloc(s->data, s->length + n + 1);
    if (grown == NULL) return 0;
    memcpy(grown + s->length, chunk, n);
    s->data = grown;
    s->length += n;
    s->data[s->length] = 0;
    return n;
}

static size_t collect(char *chunk, size_t size, size_t count, void *user)
{
    struct sink *s = user;
    size_t n = size * count;
    if (s->length + n > s->max) { s->overflow = 1; return 0; }
    char *grown = realloc(s->data, s->length + n + 1);
    if (grown == NULL) return 0;
    memcpy(grown + s->length, chunk, n);
    s->data = grown;
    s->length += n;
    s->data[s->length] = 0;
    return n;
}

int hf_http_request(const char *method, const char *url, const char *const *headers, size_t header_count,
                    const char *body, size_t body_length, long timeout_seconds, size_t max_body,
                    hf_http_response *response)
{
    return hf_http_exchange(method, url, headers, header_count, body, body_length, timeout_seconds, max_body, NULL, response);
}

static int failure_kind(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_PROXY: case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_CONNECT:
        return HF_HTTP_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return HF_HTTP_TIMEOUT;
    case CURLE_GOT_NOTHING: case CURLE_SEND_ERROR: case CURLE_RECV_ERROR: case CURLE_PARTIAL_FILE:
        return HF_HTTP_RESET;
    case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_ISSUER_ERROR:
        return HF_HTTP_TLS;
    default:
        return HF_HTTP_OTHER;
    }
}

int hf_http_exchange(const char *method, const char *url, const char *const *headers, size_t header_count,
                     const char *body, size_t body_length, long timeout_seconds, size_t max_body,
                     const hf_http_options *options, hf_http_response *response)
{
    memset(response, 0, sizeof *response);
    pthread_once(&once, load);
    if (!loaded) {
        snprintf(response->error, sizeof response->error, "%s", load_error);
        return -1;
    }
    CURL *c = curl.easy_init();
    if (c == NULL) {
        snprintf(response->error, sizeof response->error, "curl_easy_init failed");
        return -1;
    }
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < header_count; i++) list = curl.slist_append(list, headers[i]);
    struct sink sink = { NULL, 0, max_body, 0 };
    struct sink head = { NULL, 0, 256 * 1024, 0 };
    curl.easy_setopt(c, CURLOPT_URL, url);
    curl.easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_header);
    curl.easy_setopt(c, CURLOPT_HEADERDATA, &head);
    /* Always verified; never libcurl's own proxy environment lookup (the
     * caller's environment decides, resolved as curl's rules say). */
    curl.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl.easy_setopt(c, CURLOPT_PROXY, (options && options->proxy) ? options->proxy : "");
    if (options && options->no_proxy) curl.easy_setopt(c, CURLOPT_NOPROXY, options->no_proxy);
    if (options && options->ca_bundle) curl.easy_setopt(c, CURLOPT_CAINFO, options->ca_bundle);
    if (options && options->connect_timeout_seconds > 0) curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options->connect_timeout_seconds);
    curl.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl.easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl.easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl.easy_setopt(c, CURLOPT_TIMEOUT, timeout_seconds);
    curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (body != NULL) {
        curl.easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    } else if (strcmp(method, "GET") == 0) {
        curl.easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    CURLcode rc = curl.easy_perform(c);
    int result = 0;
    curl_off_t uploaded = 0;
    long header_size = 0;
    curl.easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    curl.easy_getinfo(c, CURLINFO_REQUEST_SIZE, &header_size);
    response->sent = (uploaded > 0 || header_size > 0) ? 1 : 0;
    if (rc != CURLE_OK) {
        snprintf(response->error, sizeof response->error, "%s",
                 sink.overflow ? "the response is larger than allowed"
                 : head.overflow ? "the response's headers are larger than allowed" : curl.easy_strerror(rc));
        response->failure = (sink.overflow || head.overflow) ? HF_HTTP_OTHER : failure_kind(rc);
        if (response->failure == HF_HTTP_CONNECT) response->sent = 0;
        free(sink.data);
        free(head.data);
        result = -1;
    } else {
        curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response->status);
        response->body = sink.data;
        response->body_length = sink.length;
        response->headers = head.data;
        response->headers_length = head.length;
    }
    curl.slist_free_all(list);
    curl.easy_cleanup(c);
    return result;
}

void hf_http_response_free(hf_http_response *response)
{
    free(response->body);
    response->body = NULL;
    free(response->headers);
    response->headers = NULL;
}

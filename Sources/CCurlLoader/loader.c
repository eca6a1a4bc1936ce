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
    curl.easy_setopt(c, CURLOPT_URL, url);
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
    if (rc != CURLE_OK) {
        snprintf(response->error, sizeof response->error, "%s",
                 sink.overflow ? "the response is larger than allowed" : curl.easy_strerror(rc));
        free(sink.data);
        result = -1;
    } else {
        curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response->status);
        response->body = sink.data;
        response->body_length = sink.length;
    }
    curl.slist_free_all(list);
    curl.easy_cleanup(c);
    return result;
}

void hf_http_response_free(hf_http_response *response)
{
    free(response->body);
    response->body = NULL;
}

#ifndef HF_CCURL_LOADER_H
#define HF_CCURL_LOADER_H

#include <stddef.h>

/* One HTTP exchange through libcurl, which is loaded (dlopen) on first use so
 * that programs that never talk HTTP never pay for loading it. */
typedef struct hf_http_response {
    long status;                 /* HTTP status, 0 when the exchange failed */
    char *_Nullable body;        /* response body (NUL-terminated), free with hf_http_response_free */
    size_t body_length;
    char error[256];             /* why the exchange failed, when status == 0 */
    char *_Nullable headers;     /* the final response's header lines, "Name: value\r\n" each (NUL-terminated) */
    size_t headers_length;
    int failure;                 /* why no response: HF_HTTP_* below (0 when one was received) */
    int sent;                    /* whether the request was (at least partly) sent */
} hf_http_response;

/* Kinds of failure, for the caller's retry decisions. */
enum {
    HF_HTTP_OK = 0,
    HF_HTTP_CONNECT = 1,        /* could not connect or resolve: nothing was sent */
    HF_HTTP_TIMEOUT = 2,        /* the exchange took longer than allowed */
    HF_HTTP_RESET = 3,          /* the connection broke (reset, empty reply, receive/send error) */
    HF_HTTP_TLS = 4,            /* TLS handshake or certificate verification failed */
    HF_HTTP_OTHER = 5
};

/* What an exchange may use besides its URL: CA bundle (NULL: the system's),
 * proxy (NULL: none; never libcurl's own reading of the process environment,
 * the caller resolves it from its environment as curl would) and the hosts
 * that bypass it. TLS verification of peer and host is always on. */
typedef struct hf_http_options {
    const char *_Nullable ca_bundle;
    const char *_Nullable proxy;
    const char *_Nullable no_proxy;
    long connect_timeout_seconds;
} hf_http_options;

int hf_http_exchange(const char *_Nonnull method, const char *_Nonnull url,
                     const char *_Nonnull const *_Nullable headers, size_t header_count,
                     const char *_Nullable body, size_t body_length,
                     long timeout_seconds, size_t max_body, const hf_http_options *_Nullable options,
                     hf_http_response *_Nonnull response);

/* `headers` holds `header_count` "Name: value" strings. `body` may be NULL.
 * Returns 0 when an HTTP response was received (any status), -1 otherwise
 * (error filled in). Response bodies above `max_body` bytes are an error. */
int hf_http_request(const char *_Nonnull method, const char *_Nonnull url,
                    const char *_Nonnull const *_Nullable headers, size_t header_count,
                    const char *_Nullable body, size_t body_length,
                    long timeout_seconds, size_t max_body,
                    hf_http_response *_Nonnull response);

void hf_http_response_free(hf_http_response *_Nonnull response);

#endif

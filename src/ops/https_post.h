// One HTTPS POST, for alert webhooks (Slack's are https): TLS with the server's certificate
// verified against the system's trust store (or the file SSL_CERT_FILE names, or the
// directory SSL_CERT_DIR names, as OpenSSL reads them) and checked against the host name
// (SNI sent). The timeout bounds each step: connect, handshake, write, read.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace celeste::ops {

// The HTTP status the server answered; kInternal naming the host (never the path, which is
// often a webhook's secret) when the connection, the handshake or the exchange failed.
Result<int> HttpsPostJson(const std::string& host, uint16_t port, const std::string& target,
                          std::string_view body, std::chrono::milliseconds timeout);

}  // namespace celeste::ops

vcl 4.1;

# Varnish in front of a Koa app that uses koa-allow-healthchecks with the probe token (.healthchecksrc.json beside
# this file, and HEALTH_CHECK_HEADER_VALUE set to the same token in the app's environment).
# .request replaces the whole probe request, one string per line. A .request is a constant: VCL cannot read the
# token from the environment, so it is written here in plain text. Keep "Connection: close": without it Varnish
# waits for the app to close the connection, and every probe times out.
backend shop {
    .host = "10.0.3.17";
    .port = "8000";
    .probe = {
        .request =
            "GET /health-check/ HTTP/1.1"
            "Host: 10.0.3.17:8000"
            "X-Health: change-me-to-a-long-random-value"
            "Connection: close";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
    }
}

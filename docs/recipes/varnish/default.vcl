vcl 4.1;

# Varnish in front of a Koa app that uses koa-allow-healthchecks with probe.localAddress (.healthchecksrc.json).
# The probe sends: GET /health-check/ HTTP/1.1, Host: 10.0.3.17 (the .host below, as written, without the port),
# Connection: close, and nothing else. That Host is the address the connection arrives on, so it is a local-address
# probe and needs no token. Write .host as the app's IP address: a name would be sent as the Host, and refused.
backend shop {
    .host = "10.0.3.17";
    .port = "8000";
    .probe = {
        .url = "/health-check/";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
    }
}

# No vcl_recv of ours: the built-in one passes the client's own Host to the app, and varnishd adds X-Forwarded-For
# to every client request it forwards. Keep both. Do not unset req.http.X-Forwarded-For, and do not set
# req.http.host to the app's address: a client's request would then look like Varnish's own probe.

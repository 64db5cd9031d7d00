package io.dpbalance.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** The live page on 127.0.0.1: {@code /} the page, {@code /echarts.min.js}, {@code /api/state} the current JSON. */
final class LiveServer implements AutoCloseable {

    private final HttpServer server;

    LiveServer(int port, Supplier<DemoState> state) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "--port " + port + ": cannot serve the page on 127.0.0.1:" + port + " (" + e.getMessage()
                            + "); choose a free port",
                    e);
        }
        byte[] page = Page.live().getBytes(StandardCharsets.UTF_8);
        byte[] echarts = Page.echartsMinJs();
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 200, "text/html; charset=utf-8", page);
            }
        });
        server.createContext("/echarts.min.js", exchange -> send(exchange, 200, "text/javascript", echarts));
        server.createContext(
                "/api/state",
                exchange -> send(
                        exchange, 200, "application/json", state.get().toJson().getBytes(StandardCharsets.UTF_8)));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) {
        try (exchange;
                OutputStream out = exchange.getResponseBody()) {
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, body.length);
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

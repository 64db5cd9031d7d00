package io.dpbalance.localservices.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The loopback ports a service listens on: checked before anything starts, probed while it starts. */
public final class Ports {

    private Ports() {}

    public static void requirePortNumber(int port, String flag) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(flag + " must be a TCP port (1-65535), not " + port);
        }
    }

    /**
     * Fails with what to do when another program holds the port (often another instance of the same service, named
     * in {@code usualHolder}); {@code note} follows the hint.
     */
    public static void requireFree(int port, String flag, String usualHolder, String note) {
        try (ServerSocket socket = new ServerSocket()) {
            // As Kafka's and Flink's own servers do, so a port in TIME_WAIT after a stop does not count as taken.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use (another " + usualHolder
                    + "?); choose a free one with " + flag + " PORT" + note);
        }
    }

    /** Whether something accepts TCP connections at {@code host:port} (within a second). */
    public static boolean accepting(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(
                    new InetSocketAddress(
                            hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                    1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package co.mumo.okra.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP forwarder that plays a far-away server: every segment from the client is held back
 * {@link #latencyMs} before it is passed on (a delay line, so segments in flight overlap as on a
 * real network); answers come back at once. Each round trip the client waits for therefore costs at
 * least the latency: the TLS handshake one, each request one more. TLS passes through untouched, so
 * the client still checks the server's certificate. Counts connections.
 */
final class LatencyForwarder implements AutoCloseable {
  private static final byte[] EOF = new byte[0];

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final AtomicLong connections = new AtomicLong();
  private volatile long latencyMs;

  private LatencyForwarder(ServerSocket server, InetSocketAddress target, long latencyMs) {
    this.server = server;
    this.target = target;
    this.latencyMs = latencyMs;
  }

  static LatencyForwarder to(String host, int port, long latencyMs) {
    try {
      LatencyForwarder f = new LatencyForwarder(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()),
          new InetSocketAddress(host, port), latencyMs);
      Thread accept = new Thread(f::accept, "latency-forwarder-" + f.port());
      accept.setDaemon(true);
      accept.start();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  long latencyMs() {
    return latencyMs;
  }

  void latencyMs(long latencyMs) {
    this.latencyMs = latencyMs;
  }

  long connections() {
    return connections.get();
  }

  void resetConnections() {
    connections.set(0);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        connections.incrementAndGet();
        Socket out = new Socket();
        out.connect(target);
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        delayed(in, out);
        plain(out, in);
      } catch (IOException e) {
        if (server.isClosed()) return;
      }
    }
  }

  /** Client to server: a reader stamps each segment, a writer passes it on when its time has come. */
  private void delayed(Socket from, Socket to) {
    BlockingQueue<Object[]> line = new LinkedBlockingQueue<>();
    daemon("delay-read", () -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          line.add(new Object[] {System.nanoTime() + latencyMs * 1_000_000, Arrays.copyOf(buffer, n)});
        }
      } catch (IOException ignored) {
        // The client went away: the writer closes the server side once the line is empty.
      } finally {
        line.add(new Object[] {System.nanoTime() + latencyMs * 1_000_000, EOF});
      }
    });
    daemon("delay-write", () -> {
      try (OutputStream out = to.getOutputStream()) {
        while (true) {
          Object[] segment = line.take();
          long wait = (long) segment[0] - System.nanoTime();
          if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          byte[] bytes = (byte[]) segment[1];
          if (bytes == EOF) break;
          out.write(bytes);
          out.flush();
        }
      } catch (IOException | InterruptedException ignored) {
        // The server went away.
      } finally {
        close(to);
      }
    });
  }

  private static void plain(Socket from, Socket to) {
    daemon("forward", () -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException ignored) {
        // One side closed: the copy in the other direction ends too.
      } finally {
        close(to);
      }
    });
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

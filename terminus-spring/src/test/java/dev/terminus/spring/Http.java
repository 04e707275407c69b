package dev.terminus.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 GET on a new connection, closed after the answer: what a probe or a new client does.
 * No connection is reused, so a server that has stopped accepting refuses it.
 */
final class Http {
  /** The status of a request the server refused to connect. */
  static final int REFUSED = -1;

  /** The status of a request whose connection the server accepted, then closed unanswered. */
  static final int DROPPED = -2;

  private static final int GUARD_MS =
      (int) dev.terminus.test.ChildProcess.defaultTimeout().toMillis();

  private Http() {}

  /** What came back: the status line's code and the body. */
  record Answer(int status, String body) {}

  static Answer get(int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      try {
        s.connect(new InetSocketAddress("127.0.0.1", port), GUARD_MS);
      } catch (ConnectException e) {
        return new Answer(REFUSED, "");
      }
      s.setSoTimeout(GUARD_MS);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String all;
      try {
        all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.net.SocketException e) {
        return new Answer(DROPPED, e.toString());
      }
      if (all.isEmpty()) {
        return new Answer(DROPPED, "");
      }
      if (!all.startsWith("HTTP/1.1 ")) {
        throw new IOException("not an HTTP answer: '" + all + "'");
      }
      int status = Integer.parseInt(all.substring(9, 12));
      int body = all.indexOf("\r\n\r\n");
      return new Answer(status, body < 0 ? "" : dechunk(all.substring(body + 4)));
    }
  }

  /** The body of a chunked answer, or the text as it is. */
  private static String dechunk(String raw) {
    StringBuilder b = new StringBuilder();
    String rest = raw;
    while (true) {
      int nl = rest.indexOf("\r\n");
      if (nl <= 0) {
        return raw;
      }
      int size;
      try {
        size = Integer.parseInt(rest.substring(0, nl).trim(), 16);
      } catch (NumberFormatException e) {
        return raw; // not chunked
      }
      if (size == 0) {
        return b.toString();
      }
      b.append(rest, nl + 2, nl + 2 + size);
      rest = rest.substring(nl + 2 + size + 2);
    }
  }
}

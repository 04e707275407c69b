package dev.terminus;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The process-wide exit request.
 *
 * <p>Design: one static volatile field holds the original request, or null. Writes are rare (a
 * request, a withdrawal, the end of a call) and take the class lock, so the first request wins and
 * a withdrawal clears only the request it names; reads take no lock, so {@link Exit#checkpoint()}
 * is a volatile read and a null check. Nothing that calls out runs under the lock.
 */
final class Requests {
  private static volatile ExitException pending; // written under Requests.class

  private Requests() {}

  static ExitException pending() {
    return pending;
  }

  /** Registers {@code e} as the pending request unless one is pending already; returns it. */
  static <E extends ExitException> E request(E e) {
    tryRequest(e);
    return e;
  }

  /** Registers {@code e} only if nothing is pending; tells whether it did. */
  static boolean tryRequest(ExitException e) {
    synchronized (Requests.class) {
      if (pending != null) {
        return false;
      }
      pending = e;
    }
    Session.requested(e);
    return true;
  }

  static void withdraw(ExitException request) {
    synchronized (Requests.class) {
      if (pending != request) {
        return;
      }
      pending = null;
    }
    Session.withdrawn(request);
  }

  static void clear() {
    synchronized (Requests.class) {
      pending = null;
    }
  }
}

package dev.terminus;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The process-wide exit request.
 *
 * <p>Design: one static volatile reference holds the original request, or null. The first request
 * wins by compare-and-set; later ones are thrown to their callers but do not replace it. Only
 * {@link ExitException#withdraw()} (compare-and-set back to null) and the end of {@link
 * Terminus#call} clear it. {@link Exit#checkpoint()} reads the field once: a volatile read and a
 * null check on the fast path.
 */
final class Requests {
  /** A static final AtomicReference: reading it is one volatile read, and it needs no VarHandle. */
  static final AtomicReference<ExitException> PENDING = new AtomicReference<>();

  private Requests() {}

  /** Registers {@code e} as the pending request unless one is pending already; returns it. */
  static <E extends ExitException> E request(E e) {
    if (PENDING.compareAndSet(null, e)) {
      Session.requested(e);
    }
    return e;
  }

  /** Registers {@code e} only if nothing is pending; tells whether it did. */
  static boolean tryRequest(ExitException e) {
    if (PENDING.compareAndSet(null, e)) {
      Session.requested(e);
      return true;
    }
    return false;
  }

  static void withdraw(ExitException request) {
    if (PENDING.compareAndSet(request, null)) {
      Session.withdrawn(request);
    }
  }

  static void clear() {
    PENDING.set(null);
  }

  static ExitException pending() {
    return PENDING.get();
  }
}

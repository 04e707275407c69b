package dev.terminus.bench.proc;

/**
 * Loaded just before {@code Terminus.run} in the {@code startpath} scenario: the classes loaded
 * (and the bytecodes executed) between it and {@link BodyMark} are the start path's.
 */
final class StartMark {
  private StartMark() {}

  static void touch() {}
}

package dev.terminus;

/** Exit status rules shared by the API and the runner. */
final class Statuses {
  private Statuses() {}

  static int check(int status) {
    if (status < 0 || status > 255) {
      throw new IllegalArgumentException(
          "status "
              + status
              + " out of range [0, 255]: the shell would see "
              + (status & 0xff)
              + (((status & 0xff) == 0) ? ", success" : ""));
    }
    return status;
  }

  static boolean valid(int status) {
    return status >= 0 && status <= 255;
  }
}

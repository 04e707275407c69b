package dev.terminus.examples.docs;

import dev.terminus.Terminus;

/** The README's critical section, with an in-memory stand-in for the database. */
public final class Transfer {
  private Transfer() {}

  public static void main(String[] args) {
    Terminus.run(args, a -> new Transfer().transfer("alice", "bob", 5));
  }

  private final Connection connection = new Connection();

  @SuppressWarnings("try")
  void transfer(String from, String to, long amount) {
    try (var section = Terminus.critical("transfer")) {
      debit(from, amount);
      credit(to, amount);
      connection.commit();
    }
  }

  private void debit(String account, long amount) {
    System.out.println("debit " + account + " " + amount);
  }

  private void credit(String account, long amount) {
    System.out.println("credit " + account + " " + amount);
  }

  static final class Connection {
    void commit() {
      System.out.println("committed");
    }
  }
}

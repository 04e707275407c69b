package dev.terminus.it;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Named scenario programs of one main class, and the dispatch that runs one of them. */
final class ScenarioRegistry {
  private final Map<String, Consumer<String[]>> all = new TreeMap<>();

  void add(String name, Consumer<String[]> body) {
    all.put(name, body);
  }

  /** Runs the scenario {@code args[0]}, passing it all of {@code args}; 64 for an unknown one. */
  void run(String[] args) {
    Consumer<String[]> body = all.get(args[0]);
    if (body == null) {
      System.err.println("unknown scenario " + args[0] + "; known: " + all.keySet());
      System.exit(64);
    }
    body.accept(args);
  }

  static void say(String line) {
    System.out.println(line);
  }
}

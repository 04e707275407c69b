package dev.terminus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened during one {@code terminus run}: written as JSON with {@code --report FILE},
 * atomically (a temporary file in the same directory, then an atomic move).
 */
final class RunReport {
  final List<String> command;
  final Instant startedAt;
  final Duration timeout;
  Ladder ladder;
  Long pid;
  String trigger;
  boolean timedOut;
  final List<Supervisor.StepRun> steps = new ArrayList<>();
  Long childEndMs;
  int rawStatus = -1;
  String signal;
  String how;
  String endedBy;
  Supervisor.StepRun endedByStep;
  final List<Long> survivors = new ArrayList<>();
  final List<String> survivorNames = new ArrayList<>();
  ProcessTree tree;
  String error;
  int status;

  /** The signal terminus ends by (the one that killed the command), or null. */
  String raised;

  RunReport(List<String> command, Instant startedAt, Duration timeout, Ladder ladder) {
    this.command = command;
    this.startedAt = startedAt;
    this.timeout = timeout;
    this.ladder = ladder;
  }

  String toJson() {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"command\": ").append(Json.strings(command)).append(",\n");
    b.append("  \"pid\": ").append(Json.num(pid)).append(",\n");
    b.append("  \"startedAt\": ").append(Json.str(startedAt.toString())).append(",\n");
    b.append("  \"timeoutMs\": ")
        .append(Json.num(timeout == null ? null : timeout.toMillis()))
        .append(",\n");
    List<String> rungs = new ArrayList<>();
    for (Ladder.Step s : ladder.steps()) {
      rungs.add(s.toString());
    }
    b.append("  \"ladder\": ").append(Json.strings(rungs)).append(",\n");
    b.append("  \"trigger\": ").append(Json.str(trigger)).append(",\n");
    b.append("  \"timedOut\": ").append(timedOut).append(",\n");
    b.append("  \"steps\": [");
    for (int i = 0; i < steps.size(); i++) {
      Supervisor.StepRun s = steps.get(i);
      b.append(i == 0 ? "\n" : ",\n")
          .append("    {\"step\": ")
          .append(s.number())
          .append(", \"signal\": ")
          .append(Json.str(s.signal().name()))
          .append(", \"atMs\": ")
          .append(s.atMs())
          .append(", \"pids\": ")
          .append(Json.numbers(s.pids()));
      if (!s.fromGroup().isEmpty()) {
        b.append(", \"fromGroup\": ").append(Json.numbers(s.fromGroup()));
      }
      b.append('}');
    }
    b.append(steps.isEmpty() ? "],\n" : "\n  ],\n");
    b.append("  \"child\": {")
        .append("\"endedAtMs\": ")
        .append(Json.num(childEndMs))
        .append(", \"exitStatus\": ")
        .append(signal == null && rawStatus >= 0 ? Integer.toString(rawStatus) : "null")
        .append(", \"signal\": ")
        .append(Json.str(signal))
        .append(", \"how\": ")
        .append(Json.str(how))
        .append("},\n");
    b.append("  \"endedBy\": ").append(Json.str(endedBy)).append(",\n");
    b.append("  \"endedByStep\": ")
        .append(
            endedByStep == null
                ? "null"
                : "{\"step\": "
                    + endedByStep.number()
                    + ", \"signal\": "
                    + Json.str(endedByStep.signal().name())
                    + "}")
        .append(",\n");
    b.append("  \"treePids\": ")
        .append(Json.numbers(tree == null ? List.of() : tree.everSeen()))
        .append(",\n");
    b.append("  \"survivors\": [");
    for (int i = 0; i < survivors.size(); i++) {
      b.append(i == 0 ? "" : ", ")
          .append("{\"pid\": ")
          .append(survivors.get(i))
          .append(", \"name\": ")
          .append(Json.str(survivorNames.get(i)))
          .append('}');
    }
    b.append("],\n");
    if (error != null) {
      b.append("  \"error\": ").append(Json.str(error)).append(",\n");
    }
    b.append("  \"status\": ").append(status).append(",\n");
    b.append("  \"endsBySignal\": ").append(Json.str(raised)).append("\n}\n");
    return b.toString();
  }

  void write(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}

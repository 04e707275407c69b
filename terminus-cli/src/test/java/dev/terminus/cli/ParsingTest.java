package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations, signal names, ladders and /proc/[pid]/stat lines, parsed in-JVM. */
class ParsingTest {

  @Test
  void durationsInEveryUnit() {
    assertThat(DurationParser.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationParser.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(DurationParser.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationParser.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationParser.parse("7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(DurationParser.parse("0")).isZero();
    assertThat(DurationParser.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationParser.format(Duration.ofSeconds(120))).isEqualTo("2m");
  }

  @Test
  void malformedDurationsSayWhatIsExpected() {
    for (String bad : new String[] {"", "5x", "-1s", "1.5s", "s", "10 s s"}) {
      assertThatThrownBy(() -> DurationParser.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("duration")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void signalNamesWithOrWithoutPrefixAnyCaseAndNumbers() {
    assertThat(SignalName.parse("INT")).isEqualTo(SignalName.INT);
    assertThat(SignalName.parse("sigterm")).isEqualTo(SignalName.TERM);
    assertThat(SignalName.parse("Kill").number()).isEqualTo(9);
    assertThat(SignalName.parse("usr1").number()).isEqualTo(10);
    assertThat(SignalName.parse("SIGUSR2").number()).isEqualTo(12);
    assertThat(SignalName.parse("quit").number()).isEqualTo(3);
    assertThat(SignalName.parse("hup")).isEqualTo(SignalName.HUP);
    assertThat(SignalName.parse("9")).isEqualTo(SignalName.KILL);
    assertThat(SignalName.parse("40").name()).isEqualTo("RTMIN+6");
    assertThatThrownBy(() -> SignalName.parse("FOO")).hasMessageContaining("unknown signal 'FOO'");
    assertThatThrownBy(() -> SignalName.parse("0")).hasMessageContaining("unknown signal");
    assertThatThrownBy(() -> SignalName.parse("65")).hasMessageContaining("unknown signal");
  }

  @Test
  void laddersParseAndPrint() {
    Ladder l = Ladder.parse("INT:10s,TERM:5s,KILL");
    assertThat(l.steps()).hasSize(3);
    assertThat(l.steps().get(0).signal()).isEqualTo(SignalName.INT);
    assertThat(l.steps().get(0).duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(l.steps().get(2).signal()).isEqualTo(SignalName.KILL);
    assertThat(l.endsWithKill()).isTrue();
    assertThat(l).hasToString("INT:10s,TERM:5s,KILL");
    assertThat(Ladder.DEFAULT).hasToString("INT:5s,TERM:5s,KILL");
    assertThat(Ladder.parse("sigterm:500ms, 9").endsWithKill()).isTrue();
    assertThat(Ladder.parse("TERM:1s").endsWithKill()).isFalse();
  }

  @Test
  void badLaddersAreRefusedWithOneLine() {
    assertThatThrownBy(() -> Ladder.parse("")).hasMessageContaining("empty ladder");
    assertThatThrownBy(() -> Ladder.parse("  ")).hasMessageContaining("empty ladder");
    assertThatThrownBy(() -> Ladder.parse("INT:1s,,KILL")).hasMessageContaining("empty step");
    assertThatThrownBy(() -> Ladder.parse("BOGUS:1s")).hasMessageContaining("unknown signal");
    assertThatThrownBy(() -> Ladder.parse("INT:soon")).hasMessageContaining("malformed duration");
  }

  @Test
  void killEndsTheLadderAndTakesNoWait() {
    assertThatThrownBy(() -> Ladder.parse("KILL,INT"))
        .hasMessage("step 'INT' after KILL in ladder 'KILL,INT' (KILL must be the last step)");
    assertThatThrownBy(() -> Ladder.parse("INT:1s,KILL:1s"))
        .hasMessageStartingWith("a wait on KILL in ladder 'INT:1s,KILL:1s' (KILL cannot be caught");
    assertThatThrownBy(() -> Ladder.parse("KILL:1s,INT")).hasMessageContaining("KILL");
    assertThat(Ladder.parse("INT:1s,9")).hasToString("INT:1s,KILL");
  }

  @Test
  void procStatLinesWithAwkwardCommandNames() {
    String line =
        "4242 (we (ird) name) S 100 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1 2 3";
    ProcessTree.Stat s = ProcessTree.parseStat(line);
    assertThat(s).isNotNull();
    assertThat(s.pid()).isEqualTo(4242);
    assertThat(s.state()).isEqualTo('S');
    assertThat(s.ppid()).isEqualTo(100);
    assertThat(s.pgrp()).isEqualTo(4242);
    assertThat(s.session()).isEqualTo(4242);
    assertThat(s.start()).isEqualTo(987654);
    assertThat(ProcessTree.parseStat("garbage")).isNull();
  }
}

/**
 * Terminus for picocli: runs a picocli command under {@code Terminus.run}, so that {@code Exit.now}
 * from a command ends the program with its status and message and no stack trace. See {@link
 * dev.terminus.picocli.TerminusPicocli}.
 */
module dev.terminus.picocli {
  requires transitive dev.terminus;
  requires transitive info.picocli;

  exports dev.terminus.picocli;
}

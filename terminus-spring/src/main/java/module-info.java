/**
 * Terminus for Spring Boot: runs a Spring Boot application under {@code Terminus.run}, its stop
 * driven by Terminus's plan. See {@link dev.terminus.spring.TerminusSpring}.
 *
 * <p>Spring's jars are automatic modules, named by their {@code Automatic-Module-Name}.
 */
module dev.terminus.spring {
  requires transitive dev.terminus;
  requires transitive spring.boot;
  requires spring.beans;
  requires transitive spring.context;
  requires spring.core;

  exports dev.terminus.spring;
}

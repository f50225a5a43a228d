package co.mumo.okra.testsupport;

import com.tngtech.archunit.lang.syntax.elements.ClassesShouldConjunction;
import com.tngtech.archunit.lang.syntax.elements.GivenClassesConjunction;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/** Every way Java reads the system's wall-clock time, for the ArchUnit rules of the engine and the runner. */
public final class SystemTimeReads {
  private SystemTimeReads() {}

  /** {@code classes} (given as {@code noClasses().that()...}) should call none of them. */
  public static ClassesShouldConjunction forbiddenTo(GivenClassesConjunction classes) {
    return classes.should().callMethod(Clock.class, "systemUTC")
        .orShould().callMethod(Clock.class, "systemDefaultZone")
        .orShould().callMethod(Instant.class, "now")
        .orShould().callMethod(ZonedDateTime.class, "now")
        .orShould().callMethod(OffsetDateTime.class, "now")
        .orShould().callMethod(LocalDateTime.class, "now")
        .orShould().callMethod(LocalDate.class, "now")
        .orShould().callMethod(System.class, "currentTimeMillis");
  }
}

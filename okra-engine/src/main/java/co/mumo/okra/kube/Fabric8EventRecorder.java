package co.mumo.okra.kube;

import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.CellEvent;
import co.mumo.okra.cell.EventRecorder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events on the Cell, aggregated as client-go's event recorder does: an Event is named after
 * the Cell and a hash of what it says (type, reason, message), so the same thing said again finds its
 * Event and counts up ({@code count}, {@code lastTimestamp}) instead of adding another. Failures are
 * logged in one line and swallowed: Events are for people, the rollout does not wait on them.
 */
public final class Fabric8EventRecorder implements EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(Fabric8EventRecorder.class);
  static final String COMPONENT = "okra-runner";

  private final KubernetesClient client;

  public Fabric8EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public void record(Cell cell, List<CellEvent> events, Instant at) {
    for (CellEvent e : events) {
      try {
        record(cell, e, at);
      } catch (RuntimeException failed) {
        String why = failed instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null
            ? k.getStatus().getMessage() : String.valueOf(failed.getMessage());
        LOG.warn("cell={}/{} could not record Event {}: {}", cell.getMetadata().getNamespace(), cell.getMetadata().getName(), e.reason(), why);
        LOG.debug("Event failure", failed);
      }
    }
  }

  private void record(Cell cell, CellEvent e, Instant at) {
    String ns = cell.getMetadata().getNamespace();
    String name = name(cell, e);
    String now = at.truncatedTo(ChronoUnit.SECONDS).toString();
    Event event = new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(Cell.API_VERSION).withKind("Cell")
            .withNamespace(ns).withName(cell.getMetadata().getName()).withUid(cell.getMetadata().getUid()).build())
        .withType(e.type().name()).withReason(e.reason()).withMessage(e.message())
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .build();
    try {
      client.v1().events().inNamespace(ns).resource(event).create();
    } catch (KubernetesClientException exists) {
      if (exists.getCode() != HttpURLConnection.HTTP_CONFLICT) throw exists;
      Event current = client.v1().events().inNamespace(ns).withName(name).get();
      int count = current == null || current.getCount() == null ? 1 : current.getCount();
      client.v1().events().inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"count\":" + (count + 1) + ",\"lastTimestamp\":\"" + now + "\"}");
    }
  }

  /** The Cell's name and a hash of what is said, as short as Kubernetes names must be. */
  static String name(Cell cell, CellEvent e) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String key = cell.getMetadata().getUid() + "\n" + e.type() + "\n" + e.reason() + "\n" + e.message();
      String hash = HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
      String base = cell.getMetadata().getName();
      return (base.length() > 200 ? base.substring(0, 200) : base) + "." + hash;
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}

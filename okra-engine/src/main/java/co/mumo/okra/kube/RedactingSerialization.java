package co.mumo.okra.kube;

import co.mumo.okra.redaction.Secrets;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;

/**
 * fabric8's serialization with every string of every request body passed through {@link Secrets#redact}:
 * whatever the runner writes to Kubernetes (status, events, AnalysisRuns, configs) goes out through it,
 * so a secret that ended up in a message (an error quoting a header, a metric name after argument
 * substitution) is masked there too.
 */
final class RedactingSerialization {
  private RedactingSerialization() {}

  static KubernetesSerialization create() {
    SimpleModule redaction = new SimpleModule("okra-redaction");
    redaction.addSerializer(String.class, new StdScalarSerializer<>(String.class) {
      @Override
      public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeString(Secrets.redact(value));
      }
    });
    return new KubernetesSerialization(new ObjectMapper().registerModule(redaction), true);
  }
}

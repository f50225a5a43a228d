package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Listener {
  @Required
  @JsonPropertyDescription("One non-default listener rule; the default rule is never managed.")
  public ListenerRule rule;
}

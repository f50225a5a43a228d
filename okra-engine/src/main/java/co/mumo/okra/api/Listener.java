package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Listener {
  public ListenerRule rule;
}

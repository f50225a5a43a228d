package co.mumo.okra.cell;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellReference;
import co.mumo.okra.core.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of a Cell's {@code spec.rolloutAfter}: an earlier wave, its namespace resolved (the Cell's
 * own when not given). {@code index} is the entry's place in the list, for messages naming the field.
 */
public record WaveReference(int index, String namespace, String name) {
  /** At most this many earlier waves per Cell: each is read on every pass. */
  static final int MAX = 20;
  private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  public String key() {
    return namespace + "/" + name;
  }

  public String field() {
    return "spec.rolloutAfter[" + index + "]";
  }

  /** The entries of {@code cell}'s rolloutAfter that name a Cell (those {@link #errors} finds nothing wrong with). */
  public static List<WaveReference> of(Cell cell) {
    List<WaveReference> out = new ArrayList<>();
    List<CellReference> refs = cell.getSpec() == null || cell.getSpec().rolloutAfter == null ? List.of() : cell.getSpec().rolloutAfter;
    String own = namespaceOf(cell);
    for (int i = 0; i < refs.size() && i < MAX; i++) {
      CellReference r = refs.get(i);
      if (r == null || r.name == null || !valid(r)) continue;
      out.add(new WaveReference(i, r.namespace == null || r.namespace.isEmpty() ? own : r.namespace, r.name));
    }
    return out;
  }

  /** What is wrong with {@code cell}'s rolloutAfter, field by field. */
  static List<FieldError> errors(Cell cell) {
    List<FieldError> errors = new ArrayList<>();
    List<CellReference> refs = cell.getSpec() == null || cell.getSpec().rolloutAfter == null ? List.of() : cell.getSpec().rolloutAfter;
    if (refs.size() > MAX) errors.add(new FieldError("spec.rolloutAfter", "names " + refs.size() + " Cells; at most " + MAX));
    String own = namespaceOf(cell);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < refs.size() && i < MAX; i++) {
      CellReference r = refs.get(i);
      String path = "spec.rolloutAfter[" + i + "]";
      if (r == null || r.name == null || r.name.isEmpty()) {
        errors.add(new FieldError(path + ".name", "required: the name of a Cell whose stable version must come first"));
        continue;
      }
      if (r.name.length() > 253 || !SUBDOMAIN.matcher(r.name).matches()) {
        errors.add(new FieldError(path + ".name", "\"" + r.name + "\" is not a Cell name (lower-case letters, digits, '-' and '.')"));
        continue;
      }
      if (r.namespace != null && !r.namespace.isEmpty() && (r.namespace.length() > 63 || !LABEL.matcher(r.namespace).matches())) {
        errors.add(new FieldError(path + ".namespace", "\"" + r.namespace + "\" is not a namespace name"));
        continue;
      }
      String key = (r.namespace == null || r.namespace.isEmpty() ? own : r.namespace) + "/" + r.name;
      if (key.equals(own + "/" + cell.getMetadata().getName())) {
        errors.add(new FieldError(path, "names this Cell itself; a Cell cannot wait for its own rollout"));
      } else if (!seen.add(key)) {
        errors.add(new FieldError(path, "names " + key + " a second time"));
      }
    }
    return errors;
  }

  private static boolean valid(CellReference r) {
    return r.name.length() <= 253 && SUBDOMAIN.matcher(r.name).matches()
        && (r.namespace == null || r.namespace.isEmpty() || (r.namespace.length() <= 63 && LABEL.matcher(r.namespace).matches()));
  }

  private static String namespaceOf(Cell cell) {
    return cell.getMetadata().getNamespace() == null ? "default" : cell.getMetadata().getNamespace();
  }
}

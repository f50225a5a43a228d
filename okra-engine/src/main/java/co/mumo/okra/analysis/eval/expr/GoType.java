package co.mumo.okra.analysis.eval.expr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Go type as expr-lang's checker sees it (its {@code Nature}): what {@code result} and every
 * sub-expression are known to be before the condition runs. Argo hands expr the result in an env map, so
 * {@code result}'s type is the Go type of the value the provider produced ({@code float64},
 * {@code []float64}, {@code []interface {}}, {@code map[string]interface {}}, ...), and type errors depend on
 * it. {@link #UNKNOWN} is expr's nature without a type; {@link #ANY} is {@code interface {}}; both are
 * "unknown" to the checker. {@link #NIL} is the nature of a nil value.
 */
public final class GoType {
  /** Kinds, as Go's reflect names them where one exists. */
  public enum Kind { UNKNOWN, NIL, INTERFACE, BOOL, INT, INT64, UINT8, FLOAT64, STRING, SLICE, MAP, STRUCT, POINTER, FUNC }

  public static final GoType UNKNOWN = new GoType(Kind.UNKNOWN, null, null, null, null, Map.of(), List.of(), false);
  public static final GoType NIL = new GoType(Kind.NIL, null, null, null, null, Map.of(), List.of(), false);
  public static final GoType ANY = new GoType(Kind.INTERFACE, "interface {}", null, null, null, Map.of(), List.of(), false);
  public static final GoType BOOL = basic(Kind.BOOL, "bool");
  public static final GoType INT = basic(Kind.INT, "int");
  public static final GoType INT64 = basic(Kind.INT64, "int64");
  public static final GoType UINT8 = basic(Kind.UINT8, "uint8");
  public static final GoType FLOAT64 = basic(Kind.FLOAT64, "float64");
  public static final GoType STRING = basic(Kind.STRING, "string");
  public static final GoType ANY_SLICE = arrayOf(ANY);
  public static final GoType ANY_MAP = mapOf(STRING, ANY);
  public static final GoType FLOAT64_SLICE = sliceOf(FLOAT64);

  private final Kind kind;
  private final String name;
  private final GoType elem;
  private final GoType key;
  private final GoType out;
  private final Map<String, GoType> fields;
  private final List<GoType> in;
  private final boolean variadic;

  private GoType(Kind kind, String name, GoType elem, GoType key, GoType out, Map<String, GoType> fields, List<GoType> in,
      boolean variadic) {
    this.kind = kind;
    this.name = name;
    this.elem = elem;
    this.key = key;
    this.out = out;
    this.fields = fields;
    this.in = in;
    this.variadic = variadic;
  }

  private static GoType basic(Kind kind, String name) {
    return new GoType(kind, name, null, null, null, Map.of(), List.of(), false);
  }

  public static GoType sliceOf(GoType elem) {
    return new GoType(Kind.SLICE, "[]" + elem, elem, null, null, Map.of(), List.of(), false);
  }

  /** {@code []interface {}} whose elements the checker knows to be {@code ref} (expr's array nature with a Ref). */
  public static GoType arrayOf(GoType ref) {
    return new GoType(Kind.SLICE, "[]interface {}", ref, null, null, Map.of(), List.of(), false);
  }

  public static GoType mapOf(GoType key, GoType elem) {
    return new GoType(Kind.MAP, "map[" + key + "]" + elem, elem, key, null, Map.of(), List.of(), false);
  }

  public static GoType pointerTo(GoType elem) {
    return new GoType(Kind.POINTER, "*" + elem, elem, null, null, Map.of(), List.of(), false);
  }

  /** A named type whose underlying type is {@code underlying}'s kind (e.g. {@code types.StatusCode}, a string). */
  public static GoType named(String name, Kind kind) {
    return new GoType(kind, name, null, null, null, Map.of(), List.of(), false);
  }

  public static GoType struct(String name, Map<String, GoType> fields) {
    return new GoType(Kind.STRUCT, name, null, null, null, new LinkedHashMap<>(fields), List.of(), false);
  }

  public static GoType func(List<GoType> in, GoType out, boolean variadic) {
    StringBuilder b = new StringBuilder("func(");
    for (int i = 0; i < in.size(); i++) {
      if (i > 0) b.append(", ");
      b.append(variadic && i == in.size() - 1 ? "..." + in.get(i).elem : in.get(i));
    }
    return new GoType(Kind.FUNC, b.append(") ").append(out).toString(), null, null, out, Map.of(), List.copyOf(in), variadic);
  }

  public Kind kind() {
    return kind;
  }

  public boolean isUnknown() {
    return kind == Kind.UNKNOWN || kind == Kind.INTERFACE;
  }

  public boolean isNil() {
    return kind == Kind.NIL;
  }

  public boolean isInteger() {
    return (kind == Kind.INT || kind == Kind.INT64 || kind == Kind.UINT8) && name != null && !name.contains(".");
  }

  public boolean isFloat() {
    return kind == Kind.FLOAT64 && !name.contains(".");
  }

  public boolean isNumber() {
    return isInteger() || isFloat();
  }

  public boolean isBool() {
    return kind == Kind.BOOL;
  }

  public boolean isString() {
    return kind == Kind.STRING;
  }

  public boolean isArray() {
    return kind == Kind.SLICE;
  }

  public boolean isMap() {
    return kind == Kind.MAP;
  }

  public boolean isStruct() {
    return kind == Kind.STRUCT;
  }

  public boolean isPointer() {
    return kind == Kind.POINTER;
  }

  public boolean isFunc() {
    return kind == Kind.FUNC;
  }

  /** time.Time: a struct expr knows; Okra carries its values as {@link java.time.Instant}. */
  public boolean isTime() {
    return kind == Kind.STRUCT && "time.Time".equals(name);
  }

  /** Has a Go type (expr's {@code Type != nil}). */
  boolean typed() {
    return kind != Kind.UNKNOWN && kind != Kind.NIL;
  }

  public GoType deref() {
    GoType t = this;
    while (t.kind == Kind.POINTER) t = t.elem;
    return t;
  }

  public GoType elem() {
    return switch (kind) {
      case SLICE, MAP, POINTER -> elem;
      default -> UNKNOWN;
    };
  }

  /** The Go type without the checker's knowledge of elements ({@code []interface {}} stays that). */
  public GoType goType() {
    return kind == Kind.SLICE && "[]interface {}".equals(name) ? ANY_SLICE : this;
  }

  public GoType key() {
    return kind == Kind.MAP ? key : UNKNOWN;
  }

  public Map<String, GoType> fields() {
    return fields;
  }

  public List<GoType> in() {
    return in;
  }

  public GoType out() {
    return out;
  }

  public boolean variadic() {
    return variadic;
  }

  /** Go's AssignableTo as expr's Nature uses it. */
  public boolean assignableTo(GoType to) {
    if (kind == Kind.NIL) {
      switch (to.kind) {
        case POINTER, INTERFACE, FUNC, MAP, SLICE:
          return true;
        default:
          break;
      }
    }
    if (!typed() || !to.typed()) return false;
    if (kind != to.kind && to.kind != Kind.INTERFACE) return false;
    return to.kind == Kind.INTERFACE || name.equals(to.name);
  }

  public boolean comparableTo(GoType rhs) {
    return isUnknown() || rhs.isUnknown() || isNil() || rhs.isNil() || isNumber() && rhs.isNumber()
        || isTime() && rhs.isTime() || isArray() && rhs.isArray() || assignableTo(rhs);
  }

  /** One side unknown and the other passes one of the checks, or both unknown. */
  public boolean maybeCompatible(GoType rhs, Check... checks) {
    return isUnknown() && rhs.isUnknown() || isUnknown() && rhs.isAnyOf(checks) || rhs.isUnknown() && isAnyOf(checks);
  }

  public boolean isAnyOf(Check... checks) {
    for (Check c : checks) {
      boolean ok = switch (c) {
        case BOOL -> isBool();
        case STRING -> isString();
        case INTEGER -> isInteger();
        case NUMBER -> isNumber();
        case MAP -> isMap();
        case ARRAY -> isArray();
        case TIME -> isTime();
      };
      if (ok) return true;
    }
    return false;
  }

  /** expr's NatureCheck. */
  public enum Check { BOOL, STRING, INTEGER, NUMBER, MAP, ARRAY, TIME }

  /** Go's numeric promotion for + - *: float64 if either is a float, else int; unknown if either is unknown. */
  public GoType promote(GoType rhs) {
    if (isUnknown() || rhs.isUnknown()) return UNKNOWN;
    return isFloat() || rhs.isFloat() ? FLOAT64 : INT;
  }

  /** Same Go type (the checker's element knowledge aside). */
  public boolean sameGoType(GoType t) {
    return kind == t.kind && Objects.equals(name, t.name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoType t && sameGoType(t);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name);
  }

  /** The type as Go prints it ({@code []interface {}}, {@code map[string]interface {}}), "unknown" without one. */
  @Override
  public String toString() {
    return kind == Kind.UNKNOWN || kind == Kind.NIL ? "unknown" : name;
  }
}

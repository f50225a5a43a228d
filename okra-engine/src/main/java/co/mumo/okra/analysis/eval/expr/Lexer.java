package co.mumo.okra.analysis.eval.expr;

import java.util.ArrayList;
import java.util.List;

/** expr-lang's lexer (package {@code parser/lexer}): the same tokens for the same text. */
final class Lexer {
  enum Kind { IDENTIFIER, NUMBER, STRING, OPERATOR, BRACKET, EOF }

  record Token(Kind kind, String value, int pos) {
    boolean is(Kind k, String... values) {
      if (kind != k) return false;
      if (values.length == 0) return true;
      for (String v : values) if (v.equals(value)) return true;
      return false;
    }

    @Override
    public String toString() {
      return kind == Kind.EOF ? "EOF" : kind.name().charAt(0) + kind.name().substring(1).toLowerCase() + "(\"" + value + "\")";
    }
  }

  private final String src;
  private final List<Token> tokens = new ArrayList<>();
  private int start;
  private int end;

  private Lexer(String src) {
    this.src = src;
  }

  static List<Token> lex(String src) {
    Lexer l = new Lexer(src);
    l.run();
    return l.tokens;
  }

  private static final int EOF = -1;

  private int next() {
    if (end >= src.length()) {
      end = src.length() + 1;
      return EOF;
    }
    int r = src.codePointAt(end);
    end += Character.charCount(r);
    return r;
  }

  private void backup() {
    if (end > src.length()) {
      end = src.length();
      return;
    }
    end = Math.max(start, end - Character.charCount(src.codePointBefore(end)));
  }

  private int peek() {
    int save = end;
    int r = next();
    end = save;
    return r;
  }

  private boolean accept(String valid) {
    int r = next();
    if (r != EOF && valid.indexOf(r) >= 0) return true;
    backup();
    return false;
  }

  private void acceptRun(String valid) {
    while (true) {
      int r = next();
      if (r == EOF || valid.indexOf(r) < 0) {
        backup();
        return;
      }
    }
  }

  private String word() {
    return src.substring(start, Math.min(end, src.length()));
  }

  private void emit(Kind kind) {
    emitValue(kind, word());
  }

  private void emitValue(Kind kind, String value) {
    tokens.add(new Token(kind, value, start));
    start = end;
  }

  private void skip() {
    start = end;
  }

  private ExprException error(String message) {
    return new ExprException(ExprException.Stage.PARSE, message + " at position " + end);
  }

  /** Go's unicode.IsSpace. */
  static boolean isSpace(int r) {
    if (r <= 0xFF) return r == ' ' || r >= '\t' && r <= '\r' || r == 0x85 || r == 0xA0;
    return Character.isSpaceChar(r);
  }

  static boolean isAlphabetic(int r) {
    return r == '_' || r == '$' || Character.isLetter(r);
  }

  static boolean isAlphaNumeric(int r) {
    return r != EOF && (isAlphabetic(r) || Character.isDigit(r));
  }

  private void run() {
    while (true) {
      int r = next();
      if (r == EOF) {
        tokens.add(new Token(Kind.EOF, "", src.length()));
        return;
      }
      if (isSpace(r)) {
        skip();
      } else if (r == '\'' || r == '"') {
        scanString(r);
        emitValue(Kind.STRING, Strings.unescape(word()));
      } else if (r == '`') {
        scanRawString();
      } else if (r >= '0' && r <= '9') {
        backup();
        number();
      } else if (r == '?') {
        accept(".?");
        emit(Kind.OPERATOR);
      } else if (r == '/') {
        if (accept("/")) {
          while (true) {
            int c = next();
            if (c == EOF || c == '\n') break;
          }
          skip();
        } else if (accept("*")) {
          while (true) {
            int c = next();
            if (c == EOF) throw error("unclosed comment");
            if (c == '*' && accept("/")) break;
          }
          skip();
        } else {
          emit(Kind.OPERATOR);
        }
      } else if (r == '#') {
        emit(Kind.OPERATOR);
        while (isAlphaNumeric(peek())) next();
        if (!word().isEmpty()) emit(Kind.IDENTIFIER);
      } else if (r == '|') {
        accept("|");
        emit(Kind.OPERATOR);
      } else if (r == ':') {
        accept(":");
        emit(Kind.OPERATOR);
      } else if ("([{)]}".indexOf(r) >= 0) {
        emit(Kind.BRACKET);
      } else if (",;%+-^".indexOf(r) >= 0) {
        emit(Kind.OPERATOR);
      } else if ("&!=*<>".indexOf(r) >= 0) {
        accept("&=*");
        emit(Kind.OPERATOR);
      } else if (r == '.') {
        backup();
        dot();
      } else if (isAlphaNumeric(r)) {
        backup();
        identifier();
      } else {
        throw error(String.format("unrecognized character: U+%04X '%s'", r, new String(Character.toChars(r))));
      }
    }
  }

  private void number() {
    if (!scanNumber()) throw error("bad number syntax: \"" + word() + "\"");
    emit(Kind.NUMBER);
  }

  private boolean scanNumber() {
    String digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (accept("oO")) {
        digits = "01234567_";
      } else if (accept("bB")) {
        digits = "01_";
      }
    }
    acceptRun(digits);
    int endBeforeDot = end;
    if (accept(".")) {
      if (peek() == '.') {
        end = endBeforeDot;
        return true;
      }
      acceptRun(digits);
    }
    if (accept("eE")) {
      accept("+-");
      acceptRun(digits);
    }
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  }

  private void dot() {
    next();
    if (accept("0123456789")) {
      backup();
      number();
      return;
    }
    accept(".");
    emit(Kind.OPERATOR);
  }

  private void identifier() {
    while (isAlphaNumeric(peek())) next();
    String w = word();
    switch (w) {
      case "not" -> not();
      case "in", "or", "and", "matches", "contains", "startsWith", "endsWith", "let", "if", "else" -> emit(Kind.OPERATOR);
      default -> emit(Kind.IDENTIFIER);
    }
  }

  private void not() {
    emit(Kind.OPERATOR);
    while (end < src.length() && isSpace(peek())) next();
    skip();
    int afterSpaces = end;
    while (isAlphaNumeric(peek())) next();
    switch (src.substring(afterSpaces, Math.min(end, src.length()))) {
      case "in", "matches", "contains", "startsWith", "endsWith" -> {
        start = afterSpaces;
        emit(Kind.OPERATOR);
      }
      default -> end = afterSpaces;
    }
  }

  private void scanString(int quote) {
    int ch = next();
    while (ch != quote) {
      if (ch == '\n' || ch == EOF) throw error("literal not terminated");
      if (ch == '\\') {
        ch = next();
        if (ch == EOF) throw error("literal not terminated");
        ch = next();
      } else {
        ch = next();
      }
    }
  }

  private void scanRawString() {
    StringBuilder b = new StringBuilder();
    while (true) {
      int ch = next();
      while (ch == '`' && peek() == '`') {
        next();
        b.append('`');
        ch = next();
      }
      if (ch == '`') break;
      if (ch == EOF) throw error("literal not terminated");
      b.appendCodePoint(ch);
    }
    emitValue(Kind.STRING, b.toString());
  }
}

package co.mumo.okra.cell;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Random Kubernetes-style names for the seeded property tests. */
final class RandomNames {
  private RandomNames() {}

  /** {@code count} distinct names of 1..maxLength characters: a letter, then letters, digits and dashes. */
  static List<String> distinct(Random random, int count, int maxLength) {
    Set<String> out = new LinkedHashSet<>();
    while (out.size() < count) {
      int length = 1 + random.nextInt(maxLength);
      StringBuilder b = new StringBuilder().append((char) ('a' + random.nextInt(26)));
      for (int i = 1; i < length; i++) {
        int k = random.nextInt(37);
        b.append(k < 26 ? (char) ('a' + k) : k < 36 ? (char) ('0' + k - 26) : '-');
      }
      out.add(b.toString());
    }
    return new ArrayList<>(out);
  }
}

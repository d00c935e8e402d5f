// A program outside the strata tree, built against an installed strata.
#include <iostream>

#include "strata/strata.h"

int main() {
  absl::StatusOr<strata::Quantity> q = strata::Quantity::Parse("1Gi");
  absl::StatusOr<strata::Quantity> r = strata::Quantity::Parse("1000Mi");
  if (!q.ok() || !r.ok() || !(*q > *r)) {
    std::cerr << "quantity comparison failed\n";
    return 1;
  }
  absl::StatusOr<strata::Cardinality> c = strata::Cardinality::Parse("3+");
  if (!c.ok() || !c->Allows(5) || c->Allows(2)) {
    std::cerr << "cardinality failed\n";
    return 1;
  }
  std::cout << "consumer ok: 1Gi > 1000Mi, cardinality " << c->ToString() << "\n";
  return 0;
}

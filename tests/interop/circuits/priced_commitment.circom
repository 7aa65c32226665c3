pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";

// A receipt-shaped circuit: price = units * rate must not exceed the public maxPrice,
// units must be at least the public minUnits, and the public output commits to
// (units, rate, salt) with Poseidon. The public list names minUnits first, but circom
// orders public inputs by declaration (maxPrice, then minUnits), which the tests check.
template PricedCommitment(bits) {
    signal input maxPrice;
    signal input minUnits;
    signal input units;
    signal input rate;
    signal input salt;
    signal output commitment;
    signal output price;

    price <== units * rate;

    component notAbove = LessEqThan(bits);
    notAbove.in[0] <== price;
    notAbove.in[1] <== maxPrice;
    notAbove.out === 1;

    component enough = GreaterEqThan(bits);
    enough.in[0] <== units;
    enough.in[1] <== minUnits;
    enough.out === 1;

    component hash = Poseidon(3);
    hash.inputs[0] <== units;
    hash.inputs[1] <== rate;
    hash.inputs[2] <== salt;
    commitment <== hash.out;
}

component main {public [minUnits, maxPrice]} = PricedCommitment(64);

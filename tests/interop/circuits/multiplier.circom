pragma circom 2.1.0;

// The smallest useful circuit: one public output c = a * b over two private inputs.
template Multiplier() {
    signal input a;
    signal input b;
    signal output c;
    c <== a * b;
}

component main = Multiplier();

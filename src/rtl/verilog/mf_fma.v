// Combinational fused multiply-add r = a * b + c with a single rounding.
//   a, b: sign | EI exponent bits | MI fraction bits (IEEE-style, bias 2^(EI-1)-1)
//   c, r: sign | EC exponent bits | MC fraction bits (the accumulator format)
// Datapath: (MI+1)x(MI+1) significand multiplier, exponent add, swap so the operand with the larger
// exponent is not shifted, alignment right-shift of the other with a sticky bit, add/subtract in an
// N-bit window, negate if negative, leading-zero count, normalising left shift, round to nearest
// even, exponent adjust.
// Simplifications (documented in bench/synth/results.md and docs/rtl.md, mf_vector_unit):
//   * denormal inputs (exponent 0) are zeros, whatever their fraction bits (a, b and c); results below the smallest normal flush to a signed
//     zero (FTZ/DAZ);
//   * no Inf/NaN handling: an all-ones exponent is an ordinary exponent on input; a result
//     exponent that overflows becomes the Inf encoding (all-ones exponent, zero fraction);
//   * an exact zero sum is +0.
// Used by mf_vu_lane_fp (the vector unit's floating-point lanes) and by bench/synth (mac_fp.v).
// Verilog-2005.
module mf_fma #(parameter EI = 8, parameter MI = 23, parameter EC = 8, parameter MC = 23) (
  input  [EI+MI:0] a,
  input  [EI+MI:0] b,
  input  [EC+MC:0] c,
  output [EC+MC:0] r
);
  localparam BI  = (1 << (EI-1)) - 1;
  localparam BC  = (1 << (EC-1)) - 1;
  localparam PW  = 2*(MI+1);                       // product significand, 2 integer bits
  localparam F   = ((PW > MC) ? PW : MC) + 4;       // fraction bits of the addition window
  localparam N   = F + 3;                           // window: 3 integer bits (sum < 6)
  localparam XW  = ((EI+2 > EC+1) ? EI+2 : EC+1) + 3; // signed exponent width
  localparam SW  = $clog2(N+1);
  localparam signed [XW-1:0] MINE = -(1 << (XW-3)); // exponent of a zero operand
  localparam [EC-1:0] EMAXC = {EC{1'b1}};
  localparam NF_I = N - 1 - F;
  localparam NM1_I = N - 1;
  localparam signed [XW-1:0] NX   = N[XW-1:0];      // typed constants (lint: no width casts)
  localparam signed [XW-1:0] NF   = NF_I[XW-1:0];
  localparam signed [XW-1:0] ZERO = 0;
  localparam signed [XW-1:0] EOVF = (1 << EC) - 1;
  localparam [SW-1:0] NM1 = NM1_I[SW-1:0];

  wire sa = a[EI+MI], sb = b[EI+MI], sc = c[EC+MC];
  wire [EI-1:0] ea = a[EI+MI-1:MI];
  wire [EI-1:0] eb = b[EI+MI-1:MI];
  wire [EC-1:0] ec = c[EC+MC-1:MC];
  wire zp = (ea == {EI{1'b0}}) | (eb == {EI{1'b0}});
  wire zc = (ec == {EC{1'b0}});

  // significand product (exact), value prod / 2^(PW-2) in [1, 4)
  wire [MI:0]   siga = {1'b1, a[MI-1:0]};
  wire [MI:0]   sigb = {1'b1, b[MI-1:0]};
  wire [PW-1:0] prod = siga * sigb;

  // exponents in the accumulator's biased domain, signed
  wire signed [XW-1:0] ea_s = {{(XW-EI){1'b0}}, ea};
  wire signed [XW-1:0] eb_s = {{(XW-EI){1'b0}}, eb};
  wire signed [XW-1:0] ec_s = {{(XW-EC){1'b0}}, ec};
  wire signed [XW-1:0] ep   = zp ? MINE : (ea_s + eb_s - (2*BI - BC));
  wire signed [XW-1:0] ecx  = zc ? MINE : ec_s;

  // operands in the window: F fraction bits
  wire [N-1:0] pw = {1'b0, (zp ? {PW{1'b0}} : prod), {(F-PW+2){1'b0}}};
  wire [N-1:0] cw = {2'b00, ~zc, c[MC-1:0] & {MC{~zc}}, {(F-MC){1'b0}}};   // DAZ: c's fraction too

  wire p_big = (ep >= ecx);
  wire signed [XW-1:0] E  = p_big ? ep : ecx;
  wire signed [XW-1:0] dd = p_big ? (ep - ecx) : (ecx - ep);
  wire [N-1:0] big = p_big ? pw : cw;
  wire [N-1:0] sml = p_big ? cw : pw;

  // alignment shift with sticky
  wire [SW-1:0]  sh  = (dd > NX) ? N[SW-1:0] : dd[SW-1:0];
  wire [2*N-1:0] ext = {sml, {N{1'b0}}} >> sh;
  wire           stk = |ext[N-1:0];
  wire [N-1:0]   sma = {ext[2*N-1:N+1], ext[N] | stk};

  // add / subtract
  wire sp   = sa ^ sb;
  wire sub  = sp ^ sc;
  wire sbig = p_big ? sp : sc;
  wire [N:0]   sum = sub ? ({1'b0, big} - {1'b0, sma}) : ({1'b0, big} + {1'b0, sma});
  wire         neg = sum[N];
  wire [N-1:0] mag = neg ? (~sum[N-1:0] + 1'b1) : sum[N-1:0];
  wire         rs  = sbig ^ neg;

  // leading-zero count and normalisation
  reg [SW-1:0] lz;
  reg          found;
  integer      i;
  always @* begin
    lz = N[SW-1:0];
    found = 1'b0;
    for (i = N-1; i >= 0; i = i - 1)
      if (!found && mag[i]) begin
        lz = NM1 - i[SW-1:0];
        found = 1'b1;
      end
  end
  wire [N-1:0] nrm  = mag << lz;

  // round to nearest even at MC fraction bits
  wire [MC:0]   kept = nrm[N-1:N-1-MC];
  wire          g    = nrm[N-2-MC];
  wire          s    = |nrm[N-3-MC:0];
  wire          up   = g & (s | kept[0]);
  wire [MC+1:0] rnd  = {1'b0, kept} + {{(MC+1){1'b0}}, up};
  wire          co   = rnd[MC+1];

  // exponent: leading one at bit N-1-lz has weight 2^(N-1-lz-F)
  wire signed [XW-1:0] lz_s = {{(XW-SW){1'b0}}, lz};
  wire signed [XW-1:0] co_s = {{(XW-1){1'b0}}, co};
  wire signed [XW-1:0] er   = E + NF - lz_s + co_s;
  wire [MC-1:0] frac = co ? {MC{1'b0}} : rnd[MC-1:0];

  wire is_zero = ~found;
  wire uflow   = (er <= ZERO);
  wire oflow   = (er >= EOVF);
  assign r = is_zero ? {(EC+MC+1){1'b0}} :
             uflow   ? {rs, {(EC+MC){1'b0}}} :
             oflow   ? {rs, EMAXC, {MC{1'b0}}} :
                       {rs, er[EC-1:0], frac};
endmodule

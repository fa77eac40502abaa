// mf_core_alu: the one ALU of mf_core (adder/subtractor, logic, comparisons, one shifter).
//
// op3 is the RV32I funct3 of the OP / OP-IMM group, alt selects SUB (op3 = 000) and SRA
// (op3 = 101). cmp forces the adder to subtract whatever op3 is: the branch comparisons use the
// flags eq / lt / ltu of a - b. One right shifter serves all three shifts: a left shift is a
// right shift of the bit-reversed operand, reversed back (no second barrel shifter).
//
//   op3  000 add/sub  001 sll  010 slt  011 sltu  100 xor  101 srl/sra  110 or  111 and
module mf_core_alu (
    input  wire [31:0] a,
    input  wire [31:0] b,
    input  wire [2:0]  op3,
    input  wire        alt,
    input  wire        cmp,
    output reg  [31:0] y,
    output wire        eq,
    output wire        lt,
    output wire        ltu
);
    // Adder: a + b, or a + ~b + 1 for SUB, SLT, SLTU and the branch comparisons.
    wire        sub = cmp | (op3 == 3'b010) | (op3 == 3'b011) | ((op3 == 3'b000) & alt);
    wire [32:0] sum = {1'b0, a} + {1'b0, b ^ {32{sub}}} + {32'd0, sub};

    wire [31:0] x = a ^ b;
    assign eq  = (x == 32'd0);
    assign ltu = ~sum[32];                                  // no carry out: a < b unsigned
    assign lt  = (a[31] ^ b[31]) ? a[31] : sum[31];         // signs differ: a negative

    // Shifter: reverse for SLL, arithmetic right shift with a 33rd sign bit.
    wire        left = (op3 == 3'b001);
    wire [31:0] a_rev;
    wire [31:0] sh_rev;
    wire [31:0] sh_in  = left ? a_rev : a;
    wire [32:0] sh_ext = {alt & ~left & a[31], sh_in};
    /* verilator lint_off UNUSEDSIGNAL */
    wire [32:0] sh_all = $signed(sh_ext) >>> b[4:0];   // bit 32: the sign, dropped
    /* verilator lint_on UNUSEDSIGNAL */
    wire [31:0] sh_out = sh_all[31:0];
    genvar i;
    generate
        for (i = 0; i < 32; i = i + 1) begin : g_rev
            assign a_rev[i]  = a[31 - i];
            assign sh_rev[i] = sh_out[31 - i];
        end
    endgenerate

    always @(*) begin
        case (op3)
            3'b000: y = sum[31:0];
            3'b001: y = sh_rev;
            3'b010: y = {31'd0, lt};
            3'b011: y = {31'd0, ltu};
            3'b100: y = x;
            3'b101: y = sh_out;
            3'b110: y = a | b;
            default: y = a & b;
        endcase
    end
endmodule

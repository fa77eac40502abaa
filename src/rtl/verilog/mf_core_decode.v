// mf_core_decode: instruction decoder of mf_core (RV32I plus the custom-0 / custom-1 opcodes).
//
// Pure combinational: register addresses, the immediate of the instruction's format, one class
// bit per instruction group and `illegal` for anything that is not an RV32I instruction (all
// reserved funct3 / funct7 values, the Zicsr instructions, mret / wfi, compressed encodings),
// nor fence / fence.i (no-ops here), nor custom-0 / custom-1 (any funct3 / funct7: the
// coprocessor decodes them).
module mf_core_decode (
    input  wire [31:0] insn,
    output wire [4:0]  rs1,
    output wire [4:0]  rs2,
    output wire [4:0]  rd,
    output wire [2:0]  funct3,
    output wire        alt,        // funct7[5]: SUB / SRA (OP), SRAI (OP-IMM)
    output reg  [31:0] imm,
    output wire        is_lui,
    output wire        is_auipc,
    output wire        is_jal,
    output wire        is_jalr,
    output wire        is_branch,
    output wire        is_load,
    output wire        is_store,
    output wire        is_opimm,
    output wire        is_op,
    output wire        is_cop,     // custom-0 or custom-1
    output wire        is_ebreak,
    output wire        illegal
);
    wire [4:0] opc    = insn[6:2];
    wire       std    = (insn[1:0] == 2'b11);
    wire [6:0] funct7 = insn[31:25];

    assign rs1    = insn[19:15];
    assign rs2    = insn[24:20];
    assign rd     = insn[11:7];
    assign funct3 = insn[14:12];
    assign alt    = insn[30];

    assign is_lui    = std & (opc == 5'b01101);
    assign is_auipc  = std & (opc == 5'b00101);
    assign is_jal    = std & (opc == 5'b11011);
    assign is_jalr   = std & (opc == 5'b11001);
    assign is_branch = std & (opc == 5'b11000);
    assign is_load   = std & (opc == 5'b00000);
    assign is_store  = std & (opc == 5'b01000);
    assign is_opimm  = std & (opc == 5'b00100);
    assign is_op     = std & (opc == 5'b01100);
    assign is_cop    = std & ((opc == 5'b00010) | (opc == 5'b01010));
    wire   is_fence  = std & (opc == 5'b00011);
    wire   is_system = std & (opc == 5'b11100);
    assign is_ebreak = is_system & (insn[31:7] == 25'h0002000);   // 0x00100073
    wire   is_ecall  = is_system & (insn[31:7] == 25'h0000000);   // 0x00000073

    // Legality of the funct3 / funct7 fields per group.
    wire f7_zero = (funct7 == 7'b0000000);
    wire f7_alt  = (funct7 == 7'b0100000);
    wire ok_jalr   = (funct3 == 3'b000);
    wire ok_branch = (funct3 != 3'b010) & (funct3 != 3'b011);
    wire ok_load   = (funct3 == 3'b000) | (funct3 == 3'b001) | (funct3 == 3'b010) |
                     (funct3 == 3'b100) | (funct3 == 3'b101);
    wire ok_store  = (funct3 == 3'b000) | (funct3 == 3'b001) | (funct3 == 3'b010);
    wire ok_opimm  = (funct3 == 3'b001) ? f7_zero :
                     (funct3 == 3'b101) ? (f7_zero | f7_alt) : 1'b1;
    wire ok_op     = f7_zero | (f7_alt & ((funct3 == 3'b000) | (funct3 == 3'b101)));
    wire ok_fence  = (funct3 == 3'b000) | (funct3 == 3'b001);

    wire legal = is_lui | is_auipc | is_jal | (is_jalr & ok_jalr) | (is_branch & ok_branch) |
                 (is_load & ok_load) | (is_store & ok_store) | (is_opimm & ok_opimm) |
                 (is_op & ok_op) | (is_fence & ok_fence) | is_ebreak | is_ecall | is_cop;
    assign illegal = ~legal;

    // Immediates (I, S, B, U, J); R-type and custom instructions have none.
    always @(*) begin
        if (is_lui | is_auipc)
            imm = {insn[31:12], 12'd0};
        else if (is_jal)
            imm = {{12{insn[31]}}, insn[19:12], insn[20], insn[30:21], 1'b0};
        else if (is_branch)
            imm = {{20{insn[31]}}, insn[7], insn[30:25], insn[11:8], 1'b0};
        else if (is_store)
            imm = {{21{insn[31]}}, insn[30:25], insn[11:7]};
        else
            imm = {{21{insn[31]}}, insn[30:20]};
    end
endmodule

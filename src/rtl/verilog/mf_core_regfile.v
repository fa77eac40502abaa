// mf_core_regfile: the RV32I integer register file of mf_core.
//
// 31 x 32-bit flip-flops (x1..x31; x0 is not stored and reads as zero), two asynchronous
// (combinational) read ports and one synchronous write port. A write to x0 is dropped. A read
// in the cycle of a write to the same register returns the old value (the write lands at the
// clock edge); mf_core never needs the new one in the same cycle. Not reset (datapath).
module mf_core_regfile (
    input  wire        clk,
    input  wire [4:0]  ra1,
    output wire [31:0] rd1,
    input  wire [4:0]  ra2,
    output wire [31:0] rd2,
    input  wire        we,
    input  wire [4:0]  wa,
    input  wire [31:0] wd
);
    reg [31:0] regs [1:31];

    always @(posedge clk) begin
        if (we && wa != 5'd0) regs[wa] <= wd;
    end

    assign rd1 = (ra1 == 5'd0) ? 32'd0 : regs[ra1];
    assign rd2 = (ra2 == 5'd0) ? 32'd0 : regs[ra2];
endmodule

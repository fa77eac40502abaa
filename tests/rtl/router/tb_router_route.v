// tb_router_route: unit test of mf_router_route for XY, YX and west-first. For every (source,
// destination) pair of an 8 x 8 mesh, and for pairs near the 8-bit coordinate limit, the packet
// is walked hop by hop through the route function. Checks: one-hot port; local exactly at the
// destination; every hop minimal (path length = Manhattan distance); XY never turns from y
// into x; YX never from x into y; west-first never goes west after a non-west hop (the turn
// model's prohibited N->W / S->W turns), and takes the documented staircase (east where
// (x + y) is even, north/south where odd, when both are productive).
`timescale 1ns/1ps
module tb_router_route;
  reg  [7:0] my_x, my_y, dst_x, dst_y;
  wire [4:0] port [0:2];
  integer errors = 0;
  integer paths = 0;
  integer alg, sx, sy, dx, dy, x, y, hopn, dist, p, ymoved, xmoved, nonwest, k;

  genvar g;
  generate
    for (g = 0; g < 3; g = g + 1) begin : g_r
      mf_router_route #(.ROUTING(g)) dut (.my_x(my_x), .my_y(my_y), .dst_x(dst_x), .dst_y(dst_y),
                                          .port(port[g]));
    end
  endgenerate

  task walk(input integer a, input integer fx, input integer fy, input integer tx, input integer ty);
    begin
      x = fx; y = fy; hopn = 0; ymoved = 0; xmoved = 0; nonwest = 0;
      dist = (tx > fx ? tx - fx : fx - tx) + (ty > fy ? ty - fy : fy - ty);
      dst_x = tx; dst_y = ty;
      p = 0;
      while (p != 1 && hopn <= dist) begin
        my_x = x; my_y = y;
        #1;
        p = port[a];
        if (p != 1 && p != 2 && p != 4 && p != 8 && p != 16) begin
          $display("FAIL: routing %0d: port %b not one-hot", a, p); errors = errors + 1; p = 1;
        end
        if (p == 1 && (x != tx || y != ty)) begin
          $display("FAIL: routing %0d: local at (%0d,%0d), destination (%0d,%0d)", a, x, y, tx, ty);
          errors = errors + 1;
        end
        if (a == 2 && p == 16 && nonwest) begin
          $display("FAIL: west-first: west after a non-west hop at (%0d,%0d) from (%0d,%0d) -> (%0d,%0d)", x, y, fx, fy, tx, ty);
          errors = errors + 1;
        end
        if (a == 0 && (p == 4 || p == 16) && ymoved) begin
          $display("FAIL: XY: x hop after a y hop"); errors = errors + 1;
        end
        if (a == 1 && (p == 2 || p == 8) && xmoved) begin
          $display("FAIL: YX: y hop after an x hop"); errors = errors + 1;
        end
        if (a == 2 && x < tx && y != ty && p != (((x + y) % 2 == 0) ? 4 : (ty < y ? 2 : 8))) begin
          $display("FAIL: west-first: not the documented staircase at (%0d,%0d)", x, y);
          errors = errors + 1;
        end
        if (p == 2) begin y = y - 1; ymoved = 1; end
        if (p == 8) begin y = y + 1; ymoved = 1; end
        if (p == 4) begin x = x + 1; xmoved = 1; end
        if (p == 16) x = x - 1;
        if (p != 16 && p != 1) nonwest = 1;
        if (p != 1) hopn = hopn + 1;
      end
      if (x != tx || y != ty || hopn != dist) begin
        $display("FAIL: routing %0d: (%0d,%0d) -> (%0d,%0d) ended at (%0d,%0d) after %0d hops (distance %0d)",
                 a, fx, fy, tx, ty, x, y, hopn, dist);
        errors = errors + 1;
      end
      paths = paths + 1;
    end
  endtask

  initial begin
    for (alg = 0; alg < 3; alg = alg + 1) begin
      for (sx = 0; sx < 8; sx = sx + 1)
        for (sy = 0; sy < 8; sy = sy + 1)
          for (dx = 0; dx < 8; dx = dx + 1)
            for (dy = 0; dy < 8; dy = dy + 1)
              walk(alg, sx, sy, dx, dy);
      for (k = 0; k < 200; k = k + 1)  // near the coordinate limit
        walk(alg, 255 - (k % 7), 250 + (k % 6), 248 + (k * 3) % 8, 255 - (k * 5) % 9);
      walk(alg, 0, 255, 255, 0);
      walk(alg, 255, 0, 0, 255);
    end
    if (errors == 0) $display("PASS: mf_router_route, %0d paths", paths);
    else $display("FAIL: %0d errors", errors);
    $finish;
  end
endmodule

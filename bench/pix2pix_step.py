#!/usr/bin/python3
"""The same pix2pix-shaped G+D training step as bench_gan's C++ "plain step", in Python PyTorch
(Debian's python3-torch), so that the benchmark can print the C++/Python ratio on one machine.

usage: pix2pix_step.py SIZE DOWNS NGF BATCH ITERATIONS THREADS  -> prints seconds per iteration
"""
import sys
import time

import torch
import torch.nn as nn


class UNet(nn.Module):
    def __init__(self, downs, ngf, cin=2, cout=1):
        super().__init__()
        c = [min(ngf << i, 8 * ngf) for i in range(downs)]
        self.down = nn.ModuleList()
        self.dnorm = nn.ModuleList()
        for i in range(downs):
            self.down.append(nn.Conv2d(cin if i == 0 else c[i - 1], c[i], 4, 2, 1, bias=(i == 0 or i == downs - 1)))
            self.dnorm.append(nn.BatchNorm2d(c[i]) if 0 < i < downs - 1 else nn.Identity())
        self.up = nn.ModuleList()
        self.unorm = nn.ModuleList()
        for i in range(downs):
            cin_u = c[i] if i == downs - 1 else 2 * c[i]
            cout_u = cout if i == 0 else c[i - 1]
            self.up.append(nn.ConvTranspose2d(cin_u, cout_u, 4, 2, 1, bias=(i == 0)))
            self.unorm.append(nn.BatchNorm2d(cout_u) if i > 0 else nn.Identity())
        self.downs = downs

    def forward(self, x):
        skips = []
        h = x
        for i in range(self.downs):
            if i > 0:
                h = torch.nn.functional.leaky_relu(h, 0.2)
            h = self.dnorm[i](self.down[i](h))
            skips.append(h)
        u = skips[-1]
        for i in range(self.downs - 1, -1, -1):
            if i < self.downs - 1:
                u = torch.cat([skips[i], u], 1)
            u = self.up[i](torch.relu(u))
            if i == 0:
                return torch.tanh(u)
            u = self.unorm[i](u)
        return u


def patch_d(k, ndf, cin=2):
    layers = [nn.Conv2d(cin, ndf, 4, 2, 1), nn.LeakyReLU(0.2)]
    prev = ndf
    for m in range(1, k):
        out = ndf * min(1 << m, 8)
        layers += [nn.Conv2d(prev, out, 4, 2, 1, bias=False), nn.BatchNorm2d(out), nn.LeakyReLU(0.2)]
        prev = out
    out = ndf * min(1 << k, 8)
    layers += [nn.Conv2d(prev, out, 4, 1, 1, bias=False), nn.BatchNorm2d(out), nn.LeakyReLU(0.2), nn.Conv2d(out, 1, 4, 1, 1)]
    return nn.Sequential(*layers)


def main():
    size, downs, ngf, batch, iters, threads, k = (int(a) for a in sys.argv[1:8])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    g, d = UNet(downs, ngf), patch_d(k, ngf)
    og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    cond = torch.rand(batch, 1, size, size) * 2 - 1
    prev = torch.rand(batch, 1, size, size) * 2 - 1
    real = torch.rand(batch, 1, size, size) * 2 - 1

    def step():
        fake = g(torch.cat([cond, prev], 1))
        od.zero_grad()
        pr, pf = d(torch.cat([cond, real], 1)), d(torch.cat([cond, fake.detach()], 1))
        ld = 0.5 * (bce(pr, torch.ones_like(pr)) + bce(pf, torch.zeros_like(pf)))
        ld.backward()
        od.step()
        for p in d.parameters():
            p.requires_grad_(False)
        og.zero_grad()
        pf = d(torch.cat([cond, fake], 1))
        lg = bce(pf, torch.ones_like(pf)) + 10 * (fake - real).abs().mean()
        lg.backward()
        og.step()
        for p in d.parameters():
            p.requires_grad_(True)

    for _ in range(2):
        step()
    t0 = time.perf_counter()
    for _ in range(iters):
        step()
    print((time.perf_counter() - t0) / iters)


if __name__ == "__main__":
    main()

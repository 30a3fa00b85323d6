# The traindx service. Build: docker build -t traindx .
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev
ENV TRAINDX_HOST=0.0.0.0
EXPOSE 4000
CMD ["node", "dist/cli/main.js", "serve"]

// The S3 server of StrictS3Fixture: npm's @20minutes/s3rver (a fork of s3rver that verifies
// SigV4 signatures, so a wrong secret key fails as on AWS) plus the two multipart calls neither
// s3rver implements: AbortMultipartUpload (DELETE ?uploadId) and ListMultipartUploads
// (GET ?uploads), over the server's own folder of open uploads. They answer before the
// fork's signature check, whose canonical query for ?uploads differs from the AWS SDK's. Without them an abort cannot be
// shown working, nor a leftover upload found.
// usage: node strict-s3-server.js <data dir> <port> <bucket>   (NODE_PATH: the npm node_modules)
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const S3rver = require('@20minutes/s3rver')

const [directory, port, bucket] = process.argv.slice(2)
const server = new S3rver({ directory, address: '127.0.0.1', port: Number(port), silent: true, configureBuckets: [{ name: bucket, configs: [] }] })
const uploadsDir = (b) => server.store.getResourcePath(b, undefined, 'uploads')
const xml = (body) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

server.middleware.splice(server.middleware.length - 1, 0, async (ctx, next) => {
  // Path-style: /<bucket>[/<key>] (the .NET SDK adds a trailing slash to bucket-level calls).
  const [, b, key] = ctx.path.match(/^\/([^/]+)\/?(.*)$/) || []
  if (ctx.method === 'DELETE' && key && 'uploadId' in ctx.query) {
    const dir = path.join(uploadsDir(b), path.basename(ctx.query.uploadId))
    if (!fs.existsSync(dir)) {
      ctx.status = 404
      ctx.type = 'application/xml'
      ctx.body = xml('<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>')
      return
    }
    fs.rmSync(dir, { recursive: true, force: true })
    ctx.status = 204
    return
  }
  if (ctx.method === 'GET' && b && !key && 'uploads' in ctx.query) {
    const prefix = ctx.query.prefix || ''
    const root = uploadsDir(b)
    const uploads = (fs.existsSync(root) ? fs.readdirSync(root) : [])
      .map((id) => ({ id, key: fs.readFileSync(path.join(root, id, 'key'), 'utf8') }))
      .filter((u) => u.key.startsWith(prefix))
    ctx.type = 'application/xml'
    ctx.body = xml(`<ListMultipartUploadsResult><Bucket>${esc(b)}</Bucket><Prefix>${esc(prefix)}</Prefix><IsTruncated>false</IsTruncated>` +
      uploads.map((u) => `<Upload><Key>${esc(u.key)}</Key><UploadId>${u.id}</UploadId></Upload>`).join('') + '</ListMultipartUploadsResult>')
    return
  }
  return next()
})

server.run().then(({ port: p }) => console.log(`listening ${p}`), (err) => { console.error(err); process.exit(1) })
